/**
 * The built-in codecs behind {@link io.regionpm.core.Codecs}; not exported.
 *
 * <p>{@link io.regionpm.core.internal.codec.AbstractCodec} makes every check a codec owes its
 * callers (null, class, size limit, destination bounds before writing, length before reading);
 * each codec class only measures, writes and reads, and documents its bytes.
 * {@link io.regionpm.core.internal.codec.RecordCodec} frames its variable-size components with
 * an order-preserving escape ({@code Frames}). Multi-byte numbers are big-endian here, unlike
 * the rest of the pool format, because only big-endian bytes sort like the numbers.
 *
 * <p>Thread-safety: every codec is immutable.
 */
package io.regionpm.core.internal.codec;
