package cl2cm.data.io;

import cl2cm.data.Caption;
import cl2cm.data.Dataset;
import cl2cm.data.ImageSet;
import cl2cm.data.Split;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Collects the pictures and captions of an importer item by item, puts each item in the split {@link HashSplits}
 * gives its id, counts captions per tag, and builds the dataset (train, val, test).
 */
final class PictureSetBuilder {
    private final int imageSize;
    private final Map<String, List<String>> ids = new LinkedHashMap<>();
    private final Map<String, List<byte[]>> pixels = new LinkedHashMap<>();
    private final Map<String, List<Caption>> captions = new LinkedHashMap<>();
    private final Map<String, Integer> perTag = new TreeMap<>();
    private int items;

    PictureSetBuilder(int imageSize) {
        this.imageSize = imageSize;
        for (String split : List.of("train", "val", "test")) {
            ids.put(split, new ArrayList<>());
            pixels.put(split, new ArrayList<>());
            captions.put(split, new ArrayList<>());
        }
    }

    /** Adds one picture (CHW bytes at imageSize) with its captions, tag -> text. */
    void add(String id, byte[] chw, Map<String, String> captionsByTag) {
        String split = HashSplits.of(id);
        ids.get(split).add(id);
        pixels.get(split).add(chw);
        captionsByTag.forEach((tag, text) -> {
            captions.get(split).add(new Caption(id, tag, 0, text));
            perTag.merge(tag, 1, Integer::sum);
        });
        items++;
    }

    int items() {
        return items;
    }

    Map<String, Integer> captionsPerTag() {
        return perTag;
    }

    Dataset build(String collection) {
        Map<String, Split> splits = new LinkedHashMap<>();
        for (String split : ids.keySet()) {
            splits.put(split, new Split(split, ids.get(split),
                    new ImageSet(imageSize, imageSize, pixels.get(split).toArray(new byte[0][])), null,
                    captions.get(split)));
        }
        return new Dataset(collection, splits);
    }
}
