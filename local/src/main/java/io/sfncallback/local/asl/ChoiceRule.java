package io.sfncallback.local.asl;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import com.jayway.jsonpath.PathNotFoundException;
import java.util.List;

/**
 * A Choice Rule of the JSONPath query language: a comparison of a {@code Variable} with a literal, or a boolean
 * {@code And} / {@code Or} / {@code Not} of rules (https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html).
 * The local stack runs the operators it has recorded AWS answers for (LocalStack parity snapshots
 * {@code tests/aws/services/stepfunctions/v2/choice_operators/*.snapshot.json}, recorded 2023-06-22): a value of
 * another type than the operator compares is simply not equal, never an error.
 */
public sealed interface ChoiceRule {

    /**
     * Whether the rule matches.
     *
     * @throws ChoiceFailure when a Variable selects nothing (other than for IsPresent): AWS fails with States.Runtime
     */
    boolean matches(JsonElement input, JsonElement context) throws ChoiceFailure;

    /** The comparison operators the local stack runs, with the JSON type of their literal operand. */
    enum Operator {
        IsPresent, IsNull, IsString, IsBoolean, IsNumeric, BooleanEquals, StringEquals, NumericEquals;

        /** Whether {@code operand} has the type this operator takes. */
        boolean accepts(JsonElement operand) {
            if (!(operand instanceof JsonPrimitive primitive)) {
                return false;
            }
            return switch (this) {
                case StringEquals -> primitive.isString();
                case NumericEquals -> primitive.isNumber();
                default -> primitive.isBoolean();
            };
        }

        String operandType() {
            return switch (this) {
                case StringEquals -> "a string";
                case NumericEquals -> "a number";
                default -> "a boolean";
            };
        }
    }

    /** {@code Variable} compared with a literal. */
    record Comparison(StatePath variable, Operator operator, JsonElement operand) implements ChoiceRule {
        @Override
        public boolean matches(JsonElement input, JsonElement context) throws ChoiceFailure {
            JsonElement value;
            try {
                value = variable.read(input, context);
            } catch (PathNotFoundException e) {
                if (operator == Operator.IsPresent) {
                    return !operand.getAsBoolean();
                }
                throw new ChoiceFailure("Invalid path '" + variable + "': The choice state's condition path references an invalid value.");
            }
            return switch (operator) {
                case IsPresent -> operand.getAsBoolean();
                case IsNull -> value.isJsonNull() == operand.getAsBoolean();
                case IsString -> isString(value) == operand.getAsBoolean();
                case IsBoolean -> isBoolean(value) == operand.getAsBoolean();
                case IsNumeric -> isNumber(value) == operand.getAsBoolean();
                case BooleanEquals -> isBoolean(value) && value.getAsBoolean() == operand.getAsBoolean();
                case StringEquals -> isString(value) && value.getAsString().equals(operand.getAsString());
                case NumericEquals -> isNumber(value)
                        && value.getAsBigDecimal().compareTo(operand.getAsBigDecimal()) == 0;
            };
        }

        private static boolean isString(JsonElement value) {
            return value instanceof JsonPrimitive primitive && primitive.isString();
        }

        private static boolean isBoolean(JsonElement value) {
            return value instanceof JsonPrimitive primitive && primitive.isBoolean();
        }

        private static boolean isNumber(JsonElement value) {
            return value instanceof JsonPrimitive primitive && primitive.isNumber();
        }
    }

    record And(List<ChoiceRule> rules) implements ChoiceRule {
        public And {
            rules = List.copyOf(rules);
        }

        @Override
        public boolean matches(JsonElement input, JsonElement context) throws ChoiceFailure {
            for (ChoiceRule rule : rules) {
                if (!rule.matches(input, context)) {
                    return false;
                }
            }
            return true;
        }
    }

    record Or(List<ChoiceRule> rules) implements ChoiceRule {
        public Or {
            rules = List.copyOf(rules);
        }

        @Override
        public boolean matches(JsonElement input, JsonElement context) throws ChoiceFailure {
            for (ChoiceRule rule : rules) {
                if (rule.matches(input, context)) {
                    return true;
                }
            }
            return false;
        }
    }

    record Not(ChoiceRule rule) implements ChoiceRule {
        @Override
        public boolean matches(JsonElement input, JsonElement context) throws ChoiceFailure {
            return !rule.matches(input, context);
        }
    }

    /** A rule could not be evaluated: the execution fails with States.Runtime. */
    final class ChoiceFailure extends Exception {
        public ChoiceFailure(String message) {
            super(message);
        }
    }
}
