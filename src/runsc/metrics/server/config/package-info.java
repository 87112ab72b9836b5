// SPDX-License-Identifier: Apache-2.0
/**
 * The configuration of one metric server, at the bottom of the server packages so that the
 * scrape layer ({@code server}), the routes ({@code server.http}) and both transports read the same
 * record: {@link runsc.metrics.server.config.ServerConfig}, with its
 * {@link runsc.metrics.server.config.TransportLimits}.
 */
package runsc.metrics.server.config;
