// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.regex;

import java.io.IOException;

/**
 * A pattern that Go's RE2 would not compile. The message has Go's shape:
 * {@code error parsing regexp: missing closing ): `(`}.
 */
public final class Re2SyntaxException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @serial the kind of error */
    private final Re2ErrorCode code;
    /** @serial the part of the pattern Go would quote */
    private final String expression;

    /**
     * Creates the exception.
     *
     * @param code the kind of error
     * @param expression the part of the pattern Go quotes in its message
     */
    public Re2SyntaxException(Re2ErrorCode code, String expression) {
        super("error parsing regexp: " + code.text() + ": `" + expression + "`");
        this.code = code;
        this.expression = expression;
    }

    /**
     * Returns the kind of error.
     *
     * @return the code
     */
    public Re2ErrorCode code() {
        return code;
    }

    /**
     * Returns the part of the pattern quoted in the message.
     *
     * @return the quoted text, possibly empty
     */
    public String expression() {
        return expression;
    }
}
