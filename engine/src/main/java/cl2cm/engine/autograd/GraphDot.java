package cl2cm.engine.autograd;

import cl2cm.engine.tensor.Shape;
import cl2cm.engine.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The autograd graph behind a tensor as Graphviz DOT: one box per recorded op (name and output shape), one ellipse per
 * leaf that requires a gradient (named when {@code names} knows it, e.g. a parameter), one grey box per other input
 * (data), and an edge from every input to the op that reads it; a gradient rule reads at most its op's inputs and
 * output, so the edges into an op are what backward may hold for it. Ops are grouped in clusters by the modules that
 * ran them ({@link ModuleTrail}); a graph of more than {@code maxOps} ops shows one node per module instead.
 */
public final class GraphDot {
    private GraphDot() {
    }

    /** What a DOT file shows: its text and counts for a summary line. */
    public record Result(String dot, int ops, int parameters, int inputs, int clusters, boolean collapsed) {
    }

    public static Result of(Tensor root, Map<Tensor, String> names, ModuleTrail trail, int maxOps) {
        List<Tensor> order = new ArrayList<>();
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        Deque<Tensor> todo = new ArrayDeque<>(List.of(root));
        seen.put(root, true);
        while (!todo.isEmpty()) {
            Tensor t = todo.pop();
            order.add(t);
            if (t.gradFn() != null) {
                for (Tensor in : t.gradFn().inputs()) {
                    if (in != null && seen.put(in, true) == null) {
                        todo.push(in);
                    }
                }
            }
        }
        long opCount = order.stream().filter(t -> t.gradFn() != null).count();
        boolean collapse = opCount > maxOps;
        Map<Tensor, String> id = new IdentityHashMap<>();
        Map<String, List<String>> clusters = new LinkedHashMap<>();
        StringBuilder nodes = new StringBuilder();
        int params = 0;
        int inputs = 0;
        for (Tensor t : order) {
            String shape = Shape.str(t.shape());
            if (t.gradFn() != null) {
                String module = trail == null ? "" : trail.moduleOf(t);
                String node = collapse ? "m" + clusterIndex(clusters, module) : "n" + id.size();
                id.put(t, node);
                if (!collapse) {
                    clusters.computeIfAbsent(module, k -> new ArrayList<>()).add("  " + node + " [shape=box, label=\""
                            + esc(t.gradFn().op()) + "\\n" + shape + "\"];");
                } else {
                    clusters.computeIfAbsent(module, k -> new ArrayList<>()).add(t.gradFn().op());
                }
            } else {
                String node = "n" + id.size();
                id.put(t, node);
                String name = names.get(t);
                if (t.requiresGrad()) {
                    params++;
                    nodes.append("  ").append(node).append(" [shape=ellipse, style=filled, fillcolor=\"#cfe8ff\", "
                            + "label=\"").append(esc(name == null ? "leaf" : name)).append("\\n").append(shape)
                            .append("\"];\n");
                } else {
                    inputs++;
                    nodes.append("  ").append(node).append(" [shape=box, style=filled, fillcolor=\"#eeeeee\", "
                            + "fontsize=10, label=\"").append(esc(name == null ? "input" : name)).append("\\n")
                            .append(shape).append("\"];\n");
                }
            }
        }
        StringBuilder dot = new StringBuilder("digraph autograd {\n  rankdir=BT;\n  node [fontname=\"Helvetica\"];\n");
        dot.append("  // ").append(opCount).append(" ops; blue: leaves that require a gradient; grey: data\n");
        dot.append(nodes);
        int c = 0;
        for (Map.Entry<String, List<String>> e : clusters.entrySet()) {
            if (collapse) {
                Map<String, Integer> ops = new LinkedHashMap<>();
                e.getValue().forEach(op -> ops.merge(op, 1, Integer::sum));
                dot.append("  m").append(c).append(" [shape=box3d, label=\"").append(esc(label(e.getKey())))
                        .append("\\n").append(e.getValue().size()).append(" ops: ").append(esc(summary(ops)))
                        .append("\"];\n");
            } else {
                dot.append("  subgraph cluster_").append(c).append(" {\n    label=\"").append(esc(label(e.getKey())))
                        .append("\";\n    style=rounded;\n    color=\"#999999\";\n");
                e.getValue().forEach(line -> dot.append("  ").append(line).append('\n'));
                dot.append("  }\n");
            }
            c++;
        }
        java.util.Set<String> edges = new java.util.LinkedHashSet<>();
        for (Tensor t : order) {
            if (t.gradFn() != null) {
                for (Tensor in : t.gradFn().inputs()) {
                    if (in != null && !id.get(in).equals(id.get(t))) {
                        edges.add("  " + id.get(in) + " -> " + id.get(t) + ";");
                    }
                }
            }
        }
        edges.forEach(e -> dot.append(e).append('\n'));
        dot.append("}\n");
        return new Result(dot.toString(), (int) opCount, params, inputs, clusters.size(), collapse);
    }

    private static int clusterIndex(Map<String, List<String>> clusters, String module) {
        int i = 0;
        for (String k : clusters.keySet()) {
            if (k.equals(module)) {
                return i;
            }
            i++;
        }
        return i;
    }

    private static String label(String module) {
        return module.isEmpty() ? "outside any module (losses)" : module;
    }

    private static String summary(Map<String, Integer> ops) {
        List<String> parts = new ArrayList<>();
        ops.forEach((op, n) -> parts.add(n + " " + op));
        return String.join(", ", parts.size() > 6 ? parts.subList(0, 6) : parts) + (parts.size() > 6 ? ", ..." : "");
    }

    private static String esc(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
