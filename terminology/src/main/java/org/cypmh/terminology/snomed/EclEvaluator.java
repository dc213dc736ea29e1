package org.cypmh.terminology.snomed;

import java.util.BitSet;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.cypmh.terminology.snomed.ecl.EclBaseVisitor;
import org.cypmh.terminology.snomed.ecl.EclLexer;
import org.cypmh.terminology.snomed.ecl.EclParser;

/**
 * Evaluates an expression constraint (the subset in {@code Ecl.g4}) over a {@link SnomedIndex}:
 * each sub-expression becomes a bitset of concept ordinals. Compound operators are applied left to
 * right; write parentheses where ECL requires them.
 */
final class EclEvaluator extends EclBaseVisitor<BitSet> {

  private final SnomedIndex index;

  EclEvaluator(SnomedIndex index) {
    this.index = index;
  }

  BitSet evaluate(String expression) {
    EclLexer lexer = new EclLexer(CharStreams.fromString(expression));
    EclParser parser = new EclParser(new CommonTokenStream(lexer));
    ThrowingErrors errors = new ThrowingErrors();
    lexer.removeErrorListeners();
    lexer.addErrorListener(errors);
    parser.removeErrorListeners();
    parser.addErrorListener(errors);
    return visit(parser.ecl());
  }

  @Override
  public BitSet visitEcl(EclParser.EclContext ctx) {
    return visit(ctx.expression());
  }

  @Override
  public BitSet visitExpression(EclParser.ExpressionContext ctx) {
    BitSet result = visit(ctx.refined(0));
    for (int i = 1; i < ctx.refined().size(); i++) {
      BitSet next = visit(ctx.refined(i));
      EclParser.CompoundOperatorContext op = ctx.compoundOperator(i - 1);
      if (op.OR() != null) {
        result.or(next);
      } else if (op.MINUS() != null) {
        result.andNot(next);
      } else {
        result.and(next);
      }
    }
    return result;
  }

  @Override
  public BitSet visitRefined(EclParser.RefinedContext ctx) {
    BitSet focus = visit(ctx.subExpression());
    if (ctx.refinement() != null) {
      focus.and(visit(ctx.refinement()));
    }
    return focus;
  }

  @Override
  public BitSet visitSubExpression(EclParser.SubExpressionContext ctx) {
    BitSet focus = visit(ctx.focus());
    if (ctx.CARET() != null) {
      focus = index.members(focus);
    }
    return applyOperator(ctx.constraintOperator(), focus);
  }

  @Override
  public BitSet visitFocus(EclParser.FocusContext ctx) {
    if (ctx.conceptReference() != null) {
      return index.single(ctx.conceptReference().SCTID().getText());
    }
    if (ctx.WILDCARD() != null) {
      return index.allBits();
    }
    return visit(ctx.expression());
  }

  @Override
  public BitSet visitRefinement(EclParser.RefinementContext ctx) {
    BitSet result = visit(ctx.refinementItem(0));
    for (int i = 1; i < ctx.refinementItem().size(); i++) {
      BitSet next = visit(ctx.refinementItem(i));
      if (ctx.refinementOperator(i - 1).OR() != null) {
        result.or(next);
      } else {
        result.and(next);
      }
    }
    return result;
  }

  @Override
  public BitSet visitRefinementItem(EclParser.RefinementItemContext ctx) {
    return ctx.attribute() != null ? visit(ctx.attribute()) : visit(ctx.refinement());
  }

  @Override
  public BitSet visitAttribute(EclParser.AttributeContext ctx) {
    EclParser.AttributeNameContext name = ctx.attributeName();
    BitSet types =
        name.WILDCARD() != null
            ? index.allBits()
            : index.single(name.conceptReference().SCTID().getText());
    types = applyOperator(name.constraintOperator(), types);
    BitSet values = visit(ctx.subExpression());
    return index.withAttribute(types, values, ctx.comparator().NEQ() != null);
  }

  private BitSet applyOperator(EclParser.ConstraintOperatorContext op, BitSet focus) {
    if (op == null) {
      return focus;
    }
    if (op.LTLT() != null) {
      return index.descendants(focus, true);
    }
    if (op.LT() != null) {
      return index.descendants(focus, false);
    }
    if (op.GTGT() != null) {
      return index.ancestors(focus, true);
    }
    if (op.GT() != null) {
      return index.ancestors(focus, false);
    }
    if (op.CHILD_OF() != null) {
      return index.children(focus);
    }
    return index.parents(focus);
  }

  private static final class ThrowingErrors extends BaseErrorListener {
    @Override
    public void syntaxError(
        Recognizer<?, ?> recognizer,
        Object offendingSymbol,
        int line,
        int charPositionInLine,
        String msg,
        RecognitionException e) {
      throw new EclException(
          "Invalid or unsupported ECL at character " + (charPositionInLine + 1) + ": " + msg);
    }
  }
}
