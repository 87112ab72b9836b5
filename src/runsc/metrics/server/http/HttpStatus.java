// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

/** Reason phrases for the status codes this server sends, as Go's {@code http.StatusText}. */
public final class HttpStatus {
    private HttpStatus() {}

    /**
     * Returns the reason phrase of a status code.
     *
     * @param status the code
     * @return the phrase, or {@code status code N} for codes this server never sends
     */
    public static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 200 -> "OK";
            case 204 -> "No Content";
            case 301 -> "Moved Permanently";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 411 -> "Length Required";
            case 413 -> "Request Entity Too Large";
            case 414 -> "Request URI Too Long";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            case 505 -> "HTTP Version Not Supported";
            default -> "status code " + status;
        };
    }
}
