/** What the engine asks of the operating system beyond the JDK: a lower CPU priority for background threads. */
package dev.aeon.common.os;
