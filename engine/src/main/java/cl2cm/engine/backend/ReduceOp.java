package cl2cm.engine.backend;

/** Reductions over one axis. */
public enum ReduceOp {
    SUM, MAX
}
