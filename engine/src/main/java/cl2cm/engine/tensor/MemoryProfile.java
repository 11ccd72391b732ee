package cl2cm.engine.tensor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the tensor memory live at the peak was allocated (opt-in, for finding what holds memory): while started,
 * every new storage is charged to the code that asked for it (the first frames outside the tensor and backend
 * classes), and the totals per site are copied whenever the live total reaches a new peak. Storages released only
 * by the garbage collector stay charged, which is the point: on a GPU they hold device memory until it runs.
 * (It found parameters kept twice: their initial values as well as the copies Parameter.of made.)
 */
public final class MemoryProfile {
    /** Bytes and storage count charged to one allocation site at the peak. */
    public record Site(String where, long bytes, int count) {
    }

    private static volatile boolean on;
    private static final Map<Storage, String> SITE = new IdentityHashMap<>();
    private static final Map<String, long[]> LIVE = new HashMap<>();
    private static Map<String, long[]> atPeak = new HashMap<>();
    private static long live;
    private static long peak;

    private static final StackWalker WALKER = StackWalker.getInstance();

    private MemoryProfile() {
    }

    public static synchronized void start() {
        SITE.clear();
        LIVE.clear();
        atPeak = new HashMap<>();
        live = 0;
        peak = 0;
        on = true;
    }

    /** Stops recording and returns the sites of the peak's live memory, largest first. */
    public static synchronized List<Site> stop() {
        on = false;
        List<Site> sites = new ArrayList<>();
        atPeak.forEach((where, v) -> sites.add(new Site(where, v[0], (int) v[1])));
        sites.sort((a, b) -> Long.compare(b.bytes(), a.bytes()));
        return sites;
    }

    static void allocated(Storage s) {
        if (!on) {
            return;
        }
        String where = WALKER.walk(frames -> {
            StringBuilder b = new StringBuilder();
            frames.filter(f -> f.getClassName().startsWith("cl2cm.") && !internal(f.getClassName())).limit(3)
                    .forEach(f -> b.append(b.isEmpty() ? "" : " < ").append(simple(f.getClassName())).append('.')
                            .append(f.getMethodName()).append(':').append(f.getLineNumber()));
            return b.isEmpty() ? "?" : b.toString();
        });
        long bytes = s.numel() * s.dtype().bytes();
        synchronized (MemoryProfile.class) {
            SITE.put(s, where);
            long[] v = LIVE.computeIfAbsent(where, k -> new long[2]);
            v[0] += bytes;
            v[1]++;
            live += bytes;
            if (live > peak) {
                peak = live;
                atPeak = new HashMap<>();
                LIVE.forEach((k, x) -> atPeak.put(k, x.clone()));
            }
        }
    }

    static void released(Storage s) {
        if (!on) {
            return;
        }
        synchronized (MemoryProfile.class) {
            String where = SITE.remove(s);
            if (where != null) {
                long bytes = s.numel() * s.dtype().bytes();
                long[] v = LIVE.get(where);
                v[0] -= bytes;
                v[1]--;
                live -= bytes;
            }
        }
    }

    private static boolean internal(String cls) {
        return cls.startsWith("cl2cm.engine.tensor.") || cls.startsWith("cl2cm.engine.cpu.")
                || cls.startsWith("cl2cm.engine.cuda.") || cls.startsWith("cl2cm.engine.backend.");
    }

    private static String simple(String cls) {
        return cls.substring(cls.lastIndexOf('.') + 1);
    }
}
