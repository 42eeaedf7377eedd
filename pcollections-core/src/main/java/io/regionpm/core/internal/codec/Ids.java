package io.regionpm.core.internal.codec;

import io.regionpm.core.Codec;

/**
 * Checks on codec identities: lengths in parameterised identities, and the shape an identity
 * must have to be nested in a record's identity without making it ambiguous.
 *
 * <p>Thread-safety: stateless.
 */
public final class Ids {
    private Ids() {
    }

    /**
     * @param n    a length for a fixed-size codec
     * @param what the factory method, named in the exception
     * @return {@code n}, if it is 1 to {@link Codec#MAX_ENCODED_BYTES}
     */
    static int requireLength(int n, String what) {
        if (n < 1 || n > Codec.MAX_ENCODED_BYTES) {
            throw new IllegalArgumentException(what + ": a length of " + n + " is outside 1.." + Codec.MAX_ENCODED_BYTES);
        }
        return n;
    }

    /**
     * @param id     a parameterised identity such as {@code fixed-bytes:16}
     * @param prefix its prefix, such as {@code fixed-bytes:}
     * @return the length after the prefix
     * @throws IllegalArgumentException unless it is a decimal without sign or leading zeros,
     *                                  1 to {@link Codec#MAX_ENCODED_BYTES}: the form the codec
     *                                  itself writes, so that an identity has one spelling
     */
    public static int lengthAfter(String id, String prefix) {
        String digits = id.substring(prefix.length());
        try {
            int n = Integer.parseInt(digits);
            if (n >= 1 && n <= Codec.MAX_ENCODED_BYTES && Integer.toString(n).equals(digits)) {
                return n;
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + id + "\" is not a codec identity: bad length", e);
        }
        throw new IllegalArgumentException("\"" + id + "\" is not a codec identity: the length must be written as"
                + " a decimal from 1 to " + Codec.MAX_ENCODED_BYTES + " without sign or leading zeros");
    }

    /**
     * Refuses an identity that could not be told apart from its neighbours inside a record's
     * {@code (name:id,name:id)} list: an empty one, one with unbalanced parentheses, or one with
     * a comma outside parentheses. Built-in identities always pass.
     *
     * @param id    a component codec's identity
     * @param where the record component, named in the exception
     * @return {@code id}
     */
    static String requireNestable(String id, String where) {
        int depth = 0;
        for (int i = 0; i < id.length() && depth >= 0; i++) {
            char c = id.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                depth = -1;
            }
        }
        if (id.isEmpty() || depth != 0) {
            throw new IllegalArgumentException(where + ": the codec identity \"" + id + "\" cannot be nested in a record's"
                    + " identity: it must be non-empty, with balanced parentheses and no comma outside them");
        }
        return id;
    }
}
