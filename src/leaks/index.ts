export { LeakReports } from './leak-reports.js';
export { GITHUB_SECRET_SCANNING_KEYS_URL, type LeakReportsOptions } from './options.js';
export type { LeakFeedback } from './github-handler.js';
export { leakMessage, type LeakMessage } from './leak-message.js';
export {
  GITHUB_SECRET_SCANNING_ACTOR,
  LEAK_ACTIONS,
  type LeakAction,
  type LeakActionTaken,
  type LeakOutcome,
  type LeakReportView,
  type TextCheck,
  type TokenFoundInText,
} from '../core/tokens/report-leak.js';
