package cl2cm.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One split of a collection: visual items (in a fixed order) with their images or precomputed features, and
 * captions by tag. Construction checks that every caption names a known item and that caption ids are unique.
 */
public final class Split {
    private final String name;
    private final List<String> ids;
    private final Map<String, Integer> index = new HashMap<>();
    private final ImageSet images;
    private final float[][] features;
    private final Map<String, List<Caption>> byTag = new LinkedHashMap<>();

    public Split(String name, List<String> ids, ImageSet images, float[][] features, List<Caption> captions) {
        this.name = name;
        this.ids = List.copyOf(ids);
        for (int i = 0; i < ids.size(); i++) {
            if (index.put(ids.get(i), i) != null) {
                throw new IllegalArgumentException("split " + name + ": visual id '" + ids.get(i) + "' appears twice");
            }
        }
        if (images != null && images.size() != ids.size()) {
            throw new IllegalArgumentException("split " + name + ": " + images.size() + " images for " + ids.size() + " ids");
        }
        if (features != null && features.length != ids.size()) {
            throw new IllegalArgumentException("split " + name + ": " + features.length + " feature rows for "
                    + ids.size() + " ids");
        }
        this.images = images;
        this.features = features;
        Set<String> seen = new java.util.HashSet<>();
        for (Caption c : captions) {
            if (!index.containsKey(c.visualId())) {
                throw new IllegalArgumentException("split " + name + ": caption " + c.id() + " names unknown visual id '"
                        + c.visualId() + "'");
            }
            if (!seen.add(c.id())) {
                throw new IllegalArgumentException("split " + name + ": duplicate caption id " + c.id());
            }
            byTag.computeIfAbsent(c.tag(), t -> new ArrayList<>()).add(c);
        }
    }

    public String name() {
        return name;
    }

    public List<String> ids() {
        return ids;
    }

    public int size() {
        return ids.size();
    }

    /** Position of a visual id in this split. */
    public int indexOf(String visualId) {
        Integer i = index.get(visualId);
        if (i == null) {
            throw new IllegalArgumentException("split " + name + " has no visual id '" + visualId + "'");
        }
        return i;
    }

    public ImageSet images() {
        return images;
    }

    public float[][] features() {
        return features;
    }

    /** The visual input of items {@code idx}: images [B, 3, H, W] (0..1) or feature rows [B, D], float32 on the CPU. */
    public cl2cm.engine.tensor.Tensor visualBatch(int[] idx) {
        if (images != null) {
            return images.batch(idx);
        }
        if (features == null) {
            throw new IllegalStateException("split " + name + " was read without images or features");
        }
        int d = features.length == 0 ? 0 : features[0].length;
        float[] out = new float[idx.length * d];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(features[idx[i]], 0, out, i * d, d);
        }
        return cl2cm.engine.tensor.Tensor.of(out, idx.length, d);
    }

    public Set<String> tags() {
        return new LinkedHashSet<>(byTag.keySet());
    }

    /** Captions with this tag, in file order (empty when there are none). */
    public List<Caption> captions(String tag) {
        return Collections.unmodifiableList(byTag.getOrDefault(tag, List.of()));
    }

    public List<Caption> allCaptions() {
        List<Caption> all = new ArrayList<>();
        byTag.values().forEach(all::addAll);
        return all;
    }
}
