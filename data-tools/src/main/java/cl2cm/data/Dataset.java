package cl2cm.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A named collection with its splits (train, val, test), each holding visual items and tagged captions. */
public final class Dataset {
    private final String collection;
    private final Map<String, Split> splits = new LinkedHashMap<>();

    public Dataset(String collection, Map<String, Split> splits) {
        if (!collection.matches("[A-Za-z0-9_\\-]+")) {
            throw new IllegalArgumentException("bad collection name '" + collection + "'");
        }
        this.collection = collection;
        this.splits.putAll(splits);
        // No visual item may sit in two splits.
        Map<String, String> owner = new java.util.HashMap<>();
        for (Split s : splits.values()) {
            for (String id : s.ids()) {
                String prev = owner.put(id, s.name());
                if (prev != null) {
                    throw new IllegalArgumentException("visual id '" + id + "' is in both split " + prev + " and "
                            + s.name());
                }
            }
        }
    }

    public String collection() {
        return collection;
    }

    public Split split(String name) {
        Split s = splits.get(name);
        if (s == null) {
            throw new IllegalArgumentException("collection " + collection + " has no split '" + name + "' (has "
                    + splits.keySet() + ")");
        }
        return s;
    }

    public Map<String, Split> splits() {
        return Collections.unmodifiableMap(splits);
    }
}
