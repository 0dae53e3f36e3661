/**
 * The transport: the only module that talks HTTP to Vishwa. The request loop (credential, timeouts,
 * retries, redirects) is in ./request.ts, what each failure becomes for the user in ./errors.ts,
 * the streamed multipart body in ./multipart.ts.
 */
export * from './request';
export * from './sleep';
