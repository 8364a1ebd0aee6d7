/** The Redis serialization protocol (RESP2 and RESP3): a bounded request decoder and a reply encoder. */
package dev.aeon.server.resp;
