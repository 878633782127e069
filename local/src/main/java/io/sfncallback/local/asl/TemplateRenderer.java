package io.sfncallback.local.asl;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders {@code statemachine.asl.json} the way Terraform's {@code templatefile} does for the subset it uses:
 * {@code ${name}} interpolates a variable, {@code $${} is a literal {@code ${}. Template directives ({@code %{})
 * and expressions other than a plain variable name are rejected, as is an unknown variable (Terraform fails too).
 */
public final class TemplateRenderer {

    private static final Pattern TOKEN = Pattern.compile("\\$\\$\\{|%%\\{|\\$\\{([^}]*)}|%\\{");

    public String render(String template, Map<String, String> variables) throws InvalidDefinitionException {
        Matcher matcher = TOKEN.matcher(template);
        StringBuilder out = new StringBuilder();
        int last = 0;
        while (matcher.find()) {
            out.append(template, last, matcher.start());
            String token = matcher.group();
            if (token.equals("$${")) {
                out.append("${");
            } else if (token.equals("%%{")) {
                out.append("%{");
            } else if (token.equals("%{")) {
                throw new InvalidDefinitionException("template directives (%{...}) are not supported by the local stack");
            } else {
                String name = matcher.group(1).trim();
                if (!name.matches("[A-Za-z_][A-Za-z0-9_-]*")) {
                    throw new InvalidDefinitionException("template expression '${" + name
                            + "}' is not supported by the local stack: only plain variable names");
                }
                String value = variables.get(name);
                if (value == null) {
                    throw new InvalidDefinitionException("template variable '" + name + "' has no value");
                }
                out.append(value);
            }
            last = matcher.end();
        }
        out.append(template.substring(last));
        return out.toString();
    }
}
