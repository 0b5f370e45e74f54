package dev.cadre.api;

import java.util.regex.Pattern;

/** Checks for identifiers users write: persona ids, task ids and step names. */
final class Names {
    private static final Pattern ID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}");

    private Names() {}

    static String requireId(String kind, String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException(kind + " id '" + id + "' is invalid: use 1 to 64 letters, digits, '_' or '-',"
                    + " starting with a letter or digit.");
        }
        return id;
    }
}
