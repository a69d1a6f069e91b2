/** The part of s3rver's programmatic API the tests use (the package ships no types). */
declare module "s3rver" {
  export default class S3rver {
    constructor(opts: {
      address?: string;
      port?: number;
      silent?: boolean;
      directory?: string;
      resetOnClose?: boolean;
    });
    run(): Promise<unknown>;
    close(): Promise<void>;
  }
}
