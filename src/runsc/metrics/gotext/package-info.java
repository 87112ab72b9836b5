// SPDX-License-Identifier: Apache-2.0

/**
 * Go's text conventions, where this project must print or read what Go's standard library does:
 * {@link runsc.metrics.gotext.GoQuote} ({@code strconv.Quote}, for error messages that match
 * runsc's), {@link runsc.metrics.gotext.GoText} ({@code %f} floats, {@code time.Time.String()},
 * {@code %v} of a map, Go's bytewise string order) and {@link runsc.metrics.gotext.GoTime}
 * (RFC 3339 as Go's JSON encoder writes it).
 *
 * <p>This package uses only {@code java.base} and nothing from the rest of the project, so that
 * every layer ({@code cli}, {@code runtime}, {@code exposition}, {@code sim}) can use it without
 * depending on another; a test ({@code ImportRulesTest}) keeps it so.
 */
package runsc.metrics.gotext;
