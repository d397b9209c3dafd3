/**
 * The errors every layer shares. `code` is for machines, `status` the HTTP status a client sees,
 * `expose` whether the message may be shown outside (bot/app.ts and the CLIs decide that in one
 * place each). Messages name the module, the field and what was received, never a secret.
 */
export class AppError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status = 500,
    readonly expose = false,
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** Machine-readable particulars a client may see with an exposed error (the API puts them in `details`). */
  get details(): unknown {
    return undefined;
  }
}
