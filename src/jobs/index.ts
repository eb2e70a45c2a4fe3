export { ExpiryNotifier, currentAddresses, defaultRecipients, type ExpiringToken, type ExpiryNoticeReport, type NoticeRecipients } from './expiry-notifier.js';
export { dueNotice, noticeDueAt, NOTICE_KINDS, type NoticeKind } from './expiry-schedule.js';
export { expiryMessage, type ExpiryMessage } from './expiry-message.js';
export { createMailer, type Mailer, type MailResult, type MailTransportOption, type OutgoingMail } from './mailer.js';
export { outboxTransport, type OutboxSentInfo } from './outbox-transport.js';
export { RequestLogRetention, type RetentionReport } from './request-log-retention.js';
export { describeJobsReport, type JobsReport, type JobName, type LeakMailReport } from './jobs.js';
export { DEFAULT_JOBS_INTERVAL_MS, type NotificationsOptions, type StartJobsOptions } from './options.js';
