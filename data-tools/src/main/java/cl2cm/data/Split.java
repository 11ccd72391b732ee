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
 * One split of a collection: visual items (in a fixed order) with their images, precomputed feature vectors or video
 * frame features, and captions by tag. Construction checks that every caption names a known item and that caption
 * ids are unique.
 */
public final class Split {
    private final String name;
    private final List<String> ids;
    private final Map<String, Integer> index = new HashMap<>();
    private final ImageSet images;
    private final float[][] features;
    private final float[][][] frames;
    private final Map<String, List<Caption>> byTag = new LinkedHashMap<>();

    /** Longest frame sequence fed to a video encoder; longer videos are sampled at evenly spaced frames. */
    public static final int MAX_FRAMES = 64;

    public Split(String name, List<String> ids, ImageSet images, float[][] features, List<Caption> captions) {
        this(name, ids, images, features, null, captions);
    }

    /** {@code frames[i]}: the frame features [F_i][D] of video i (null unless the split holds videos as sequences). */
    public Split(String name, List<String> ids, ImageSet images, float[][] features, float[][][] frames,
                 List<Caption> captions) {
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
        if (frames != null && frames.length != ids.size()) {
            throw new IllegalArgumentException("split " + name + ": " + frames.length + " frame sequences for "
                    + ids.size() + " ids");
        }
        this.images = images;
        this.features = features;
        this.frames = frames;
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
    public boolean contains(String visualId) {
        return index.containsKey(visualId);
    }

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

    /** Frame features per video ([F_i][D]), or null when the split holds no frame sequences. */
    public float[][][] frames() {
        return frames;
    }

    /** Width of the visual feature vectors or frame features; 0 for images. */
    public int featureDim() {
        if (features != null && features.length > 0) {
            return features[0].length;
        }
        return frames != null && frames.length > 0 ? frames[0][0].length : 0;
    }

    /**
     * The visual input of items {@code idx}, float32 on the CPU: images [B, 3, H, W] (0..1), feature rows [B, D], or
     * frame features [B, F, D] zero-padded to the longest video of the batch (at most {@link #MAX_FRAMES}, evenly
     * spaced frames of longer ones) with the frame mask [B, F].
     */
    public VisualBatch visualBatch(int[] idx) {
        if (images != null) {
            return VisualBatch.of(images.batch(idx));
        }
        if (frames != null) {
            return frameBatch(idx);
        }
        if (features == null) {
            throw new IllegalStateException("split " + name + " was read without images or features");
        }
        int d = featureDim();
        float[] out = new float[idx.length * d];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(features[idx[i]], 0, out, i * d, d);
        }
        return VisualBatch.of(cl2cm.engine.tensor.Tensor.of(out, idx.length, d));
    }

    private VisualBatch frameBatch(int[] idx) {
        int d = featureDim();
        int f = 1;
        for (int i : idx) {
            f = Math.max(f, Math.min(MAX_FRAMES, frames[i].length));
        }
        float[] out = new float[idx.length * f * d];
        float[] mask = new float[idx.length * f];
        for (int b = 0; b < idx.length; b++) {
            float[][] video = frames[idx[b]];
            int n = Math.min(MAX_FRAMES, video.length);
            for (int j = 0; j < n; j++) {
                // Evenly spaced frames when the video is longer than MAX_FRAMES; all of them otherwise.
                int src = video.length <= MAX_FRAMES ? j : (int) ((long) j * video.length / MAX_FRAMES);
                System.arraycopy(video[src], 0, out, (b * f + j) * d, d);
                mask[b * f + j] = 1;
            }
        }
        return new VisualBatch(cl2cm.engine.tensor.Tensor.of(out, idx.length, f, d),
                cl2cm.engine.tensor.Tensor.of(mask, idx.length, f));
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
