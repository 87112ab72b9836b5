// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

/** How {@link TextEncoding#encode} escapes a string; each mode is one bit in its per-character table. */
enum Escape {
    /** Nothing: metric names, label keys, the comment header. */
    NONE,
    /** {@code \\}, {@code \"} and LF as {@code \n}: label values. */
    LABEL_VALUE,
    /** {@code \\} and LF as {@code \n}: HELP text. */
    HELP,
    /** LF as {@code \n} only: the summary comment, which must stay one line. */
    COMMENT;

    final int bit = 1 << ordinal();
}
