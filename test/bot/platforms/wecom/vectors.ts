import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../../../bot/config.ts';

/** Tencent's published WXBizMsgCrypt vectors (test/fixtures/vectors/wecom.json; source noted there). */
export const vectorsFile = path.resolve(repoRoot, 'test', 'fixtures', 'vectors', 'wecom.json');

interface Exchange {
  msg_signature: string;
  timestamp: string;
  nonce: string;
  echostr?: string;
  encrypt?: string;
  rawQuery?: string;
  expectedPlaintext: string;
  requestBody?: string;
}

export interface PublishedVector {
  name: string;
  token: string;
  encodingAESKey: string;
  receiveid: string;
  urlVerification: Exchange;
  message: Exchange;
}

export interface DerivedVector {
  token: string;
  encodingAESKey: string;
  receiveid: string;
  randomAscii: string;
  inbound: {
    query: { msg_signature: string; timestamp: string; nonce: string };
    requestBody: string;
    expectedPlaintext: string;
  };
  passiveReply: { plaintext: string; encrypt: string; responseBody: string };
}

const all = JSON.parse(readFileSync(vectorsFile, 'utf8')) as { vectors: unknown[] };
export const published = all.vectors.slice(0, 2) as PublishedVector[];
export const derived = all.vectors[2] as DerivedVector;
