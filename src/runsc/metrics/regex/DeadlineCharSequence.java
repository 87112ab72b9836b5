// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.regex;

/**
 * A read-only view of a text that fails once a deadline has passed. java.util.regex offers no
 * time limit, but every step of a backtracking match reads characters, so checking the clock
 * every {@link #CHECK_INTERVAL} reads bounds the time of any match.
 */
final class DeadlineCharSequence implements CharSequence {
    /** Reads between two looks at the clock; a clock read costs about as much as 100 reads. */
    static final int CHECK_INTERVAL = 1024;

    /** Thrown from {@link #charAt(int)} (which cannot throw a checked exception) at the deadline. */
    static final class DeadlineExceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DeadlineExceeded() {
            super("regular expression match deadline exceeded", null, false, false);
        }
    }

    private final CharSequence text;
    private final long deadlineNanos;
    private int reads;

    DeadlineCharSequence(CharSequence text, long deadlineNanos) {
        this.text = text;
        this.deadlineNanos = deadlineNanos;
    }

    @Override
    public char charAt(int index) {
        if (++reads >= CHECK_INTERVAL) {
            reads = 0;
            if (System.nanoTime() - deadlineNanos > 0) {
                throw new DeadlineExceeded();
            }
        }
        return text.charAt(index);
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new DeadlineCharSequence(text.subSequence(start, end), deadlineNanos);
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
