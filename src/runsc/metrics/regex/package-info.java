// SPDX-License-Identifier: Apache-2.0
/**
 * Regular expressions in Go's RE2 dialect, run on {@code java.util.regex} with bounded matching.
 *
 * <p>{@link runsc.metrics.regex.Re2Pattern#compile(String)} parses the pattern with Go's
 * {@code regexp/syntax} rules, rejects what RE2 rejects (backreferences, lookaround, possessive
 * quantifiers, atomic groups) with Go's error text, and translates the rest to an equivalent
 * {@link java.util.regex.Pattern}. Matching is unanchored ({@code find}) and runs under a time
 * budget, so no pattern can hang a caller. Uses {@code java.base} only.
 */
package runsc.metrics.regex;
