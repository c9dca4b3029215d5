package dev.vbatch.spec;

import java.io.StringReader;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Finds a key given twice in one YAML mapping. YAML parsers keep the last one silently, so a spec
 * with two 'model:' lines runs with whichever came second; vbatch refuses it and names both lines.
 * SnakeYAML's node tree (the parser Jackson's YAML module uses) keeps each key's line.
 */
final class YamlKeys {
  private YamlKeys() {}

  /** "key 'model' is given twice, at lines 2 and 5; keep one", or empty when every key is given once. */
  static Optional<String> duplicate(String text) {
    Node root;
    try {
      root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
    } catch (RuntimeException e) {
      return Optional.empty(); // not YAML: the reader that follows says where
    }
    return root == null ? Optional.empty() : find(root, "");
  }

  private static Optional<String> find(Node node, String path) {
    if (node instanceof MappingNode mapping) {
      Map<String, Integer> lines = new HashMap<>();
      for (NodeTuple tuple : mapping.getValue()) {
        if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
          continue;
        }
        int line = key.getStartMark().getLine() + 1;
        Integer first = lines.putIfAbsent(key.getValue(), line);
        if (first != null) {
          return Optional.of("key '" + path + key.getValue() + "' is given twice, at lines " + first + " and " + line
              + "; keep one (YAML would silently use the second)");
        }
        Optional<String> inner = find(tuple.getValueNode(), path + key.getValue() + ".");
        if (inner.isPresent()) {
          return inner;
        }
      }
    } else if (node instanceof SequenceNode sequence) {
      int i = 0;
      for (Node item : sequence.getValue()) {
        Optional<String> inner = find(item, path.replaceFirst("\\.$", "") + "[" + i++ + "].");
        if (inner.isPresent()) {
          return inner;
        }
      }
    }
    return Optional.empty();
  }
}
