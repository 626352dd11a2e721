// A command's help text beside its definition: what it does, then examples to copy.
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Span from "@effect/cli/HelpDoc/Span"

/**
 * A command's description followed by an EXAMPLES section: every command shows at least one
 * command line that runs as written (against `TRTC_ENDPOINT` and credentials in the environment).
 */
export const describe = (summary: string, examples: readonly [string, ...Array<string>]): HelpDoc.HelpDoc =>
  HelpDoc.blocks([
    HelpDoc.p(summary),
    HelpDoc.h1("EXAMPLES"),
    ...examples.map((example) => HelpDoc.p(Span.code(`$ ${example}`)))
  ])
