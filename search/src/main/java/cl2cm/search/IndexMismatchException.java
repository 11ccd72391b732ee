package cl2cm.search;

/** An index that cannot be used with the model or the code at hand; the message names the index and the reason. */
public final class IndexMismatchException extends IllegalStateException {
    public IndexMismatchException(String message) {
        super(message);
    }
}
