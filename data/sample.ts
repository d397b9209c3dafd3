/**
 * The shipped demo notice's file name (data/seed/, imported by data/import/seed.ts). A round whose
 * source is this file is sample data: answers and pictures drawn from it say so.
 */
export const SEED_FILE = 'fujian-2020q1-notice.txt';
