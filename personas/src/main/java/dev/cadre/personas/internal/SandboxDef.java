package dev.cadre.personas.internal;

import dev.cadre.api.crew.CommandSandbox;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A crew file's {@code sandbox:} for its commands: {@code network} (default false), {@code writable} and
 * {@code readable} (absolute paths or {@code ~/...}), {@code required} (fail instead of running unconfined commands).
 */
public final class SandboxDef {

    static final Set<String> KEYS = Set.of("network", "writable", "readable", "required");

    private SandboxDef() {}

    /** The sandbox {@code node} declares; {@code home} is what {@code ~} stands for. */
    public static CommandSandbox read(Node node, Path home) {
        node.allowOnly(KEYS, "'sandbox'");
        CommandSandbox sandbox = CommandSandbox.DEFAULT;
        if (Boolean.TRUE.equals(node.bool("required"))) {
            sandbox = sandbox.required();
        }
        if (Boolean.TRUE.equals(node.bool("network"))) {
            sandbox = sandbox.withNetwork(true);
        }
        sandbox = sandbox.withWritable(paths(node, "writable", home).toArray(Path[]::new));
        return sandbox.withReadable(paths(node, "readable", home).toArray(Path[]::new));
    }

    private static List<Path> paths(Node node, String key, Path home) {
        if (!node.has(key)) {
            return List.of();
        }
        Node list = node.child(key);
        List<Node> items = list.isText() ? List.of(list) : list.items("'" + key + "'");
        List<Path> paths = new ArrayList<>();
        for (Node item : items) {
            String text = item.text(key + " item").strip();
            Path path;
            if (text.equals("~")) {
                path = home;
            } else if (text.startsWith("~/")) {
                path = home.resolve(text.substring(2));
            } else if (Path.of(text).isAbsolute()) {
                path = Path.of(text);
            } else {
                throw item.error("'" + key + "' path '" + text + "' must be absolute or start with ~/ (e.g. ~/.m2)");
            }
            if (path.normalize().getNameCount() == 0) {
                throw item.error("'" + key + "' path '" + text + "' is the whole file system; name the directories commands need");
            }
            paths.add(path.normalize());
        }
        return paths;
    }
}
