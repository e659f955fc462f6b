// Errors an operator can act on. The CLI prints a MeshError's message alone (no stack): it must say what went wrong
// and what to do. Anything else is a bug and is printed with its stack.

export class MeshError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MeshError";
  }
}

export interface TxContext {
  chainId: string;
  /** The account that signed. */
  signer: string;
  /** What was being done, e.g. "upload of ilp". */
  action: string;
  /** The contract being stored, when the action is a code upload (for the `mesh propose store` hint). */
  contract?: string;
}

/**
 * Turns a chain's rejection (CosmJS simulate/broadcast error text) into advice. Unknown errors keep the chain's
 * message, prefixed with what was being done.
 */
export function explainTxError(error: unknown, ctx: TxContext): Error {
  const raw = error instanceof Error ? error.message : String(error);
  const where = `${ctx.action} on ${ctx.chainId}`;
  if (/can not create code|code upload.*(not allowed|restricted)|ErrUnauthorized.*create code/i.test(raw)) {
    return new MeshError(
      `${where} failed: code upload on ${ctx.chainId} is restricted to governance (wasm code_upload_access). ` +
        `Store it with a proposal instead: mesh propose store --chain ${ctx.chainId}` +
        `${ctx.contract ? ` --contracts ${ctx.contract}` : ""} --submit`,
    );
  }
  if (/insufficient funds|insufficient fee|spendable balance .* is smaller than/i.test(raw)) {
    return new MeshError(
      `${where} failed: account ${ctx.signer} has insufficient funds on ${ctx.chainId} (${firstLine(raw)}). ` +
        `Send it tokens of the fee denom first (docs/testnet.md, "Funding").`,
    );
  }
  if (/account .* not found|does not exist on chain/i.test(raw)) {
    return new MeshError(
      `${where} failed: account ${ctx.signer} does not exist on ${ctx.chainId} yet (it has never received tokens). ` +
        `Fund it first (docs/testnet.md, "Funding").`,
    );
  }
  return new MeshError(`${where} failed: ${firstLine(raw)}`);
}

function firstLine(s: string): string {
  const line = s.split("\n")[0].trim();
  return line.length > 400 ? `${line.slice(0, 400)}…` : line;
}
