package cl2cm.search;

/** One search result: the item's id, its cosine similarity to the query and where its picture is (or null). */
public record Hit(String id, float score, String picture) {
}
