/** The import service lives with the data it writes; the bot wires its listeners (alerts, reminders). */
export { type ImportListener, ImportService, type RoundImported } from '../data/import/service.ts';
