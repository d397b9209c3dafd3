import { loadConfig } from '../../bot/config.ts';
import { createLogger } from '../../bot/logger.ts';
import { start } from '../../bot/main.ts';
import { announce } from './ready.ts';

/** The bot as deployed (bot/main.ts start()), configured from the environment the bench passes. */
const config = loadConfig(process.env);
const running = await start(config, process.env, createLogger(config.LOG_LEVEL));
announce(running.server, () => running.stop());
