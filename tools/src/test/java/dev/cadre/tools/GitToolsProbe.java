package dev.cadre.tools;

import dev.cadre.api.CadreJson;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolContext;
import java.nio.file.Path;

/** Run in a child JVM by {@link GitToolsStartNoProcessTest}: prints what each git tool answers for the root given. */
public final class GitToolsProbe {

    private GitToolsProbe() {}

    public static void main(String[] args) {
        ToolContext ctx = new ToolContext("run", "step", "coder", "call-1");
        for (Tool tool : GitTools.create(Workspace.at(Path.of(args[0])))) {
            System.out.println("== " + tool.name());
            System.out.println(tool.invoke(CadreJson.mapper().createObjectNode(), ctx).block().text());
        }
        System.out.println("== staged");
        Tool diff = GitTools.create(Workspace.at(Path.of(args[0]))).get(1);
        System.out.println(diff.invoke(CadreJson.mapper().createObjectNode().put("staged", true), ctx).block().text());
    }
}
