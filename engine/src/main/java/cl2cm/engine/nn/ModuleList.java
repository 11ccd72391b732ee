package cl2cm.engine.nn;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Numbered child modules ("0", "1", ...), as torch.nn.ModuleList: names like {@code encoder.layer.3.output}. */
public final class ModuleList<M extends Module> extends Module implements Iterable<M> {
    private final List<M> items = new ArrayList<>();

    public M add(M module) {
        registerModule(Integer.toString(items.size()), module);
        items.add(module);
        return module;
    }

    public M get(int i) {
        return items.get(i);
    }

    public int size() {
        return items.size();
    }

    @Override
    public Iterator<M> iterator() {
        return items.iterator();
    }
}
