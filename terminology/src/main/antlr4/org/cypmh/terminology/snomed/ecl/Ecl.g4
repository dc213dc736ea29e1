/*
 * The subset of SNOMED CT Expression Constraint Language (ECL 2.x, SNOMED International's
 * specification) that NHS value sets use, written for this project from the specification's
 * brief syntax:
 *
 *   self                 72366004 |Eating disorder|
 *   any concept          *
 *   descendants          < X        descendants or self   << X      children   <! X
 *   ancestors            > X        ancestors or self     >> X      parents    >! X
 *   member of            ^ X        (members of reference set X)
 *   compound             A AND B    A OR B    A MINUS B   (also "," for AND), parentheses
 *   refinement           << X : 363698007 |Finding site| = << Y
 *                        attributes joined by AND / OR / ",", groups { ... } read as ungrouped,
 *                        comparators = and !=, attribute names may carry < << and *.
 *
 * Not supported (a syntax error names the position): cardinality, reverse attributes, concrete
 * values, filters {{ }}, dotted attributes, top/bottom of set.
 */
grammar Ecl;

ecl : expression EOF ;

expression : refined (compoundOperator refined)* ;

compoundOperator : AND | OR | MINUS | COMMA ;

refined : subExpression (COLON refinement)? ;

subExpression : constraintOperator? CARET? focus ;

focus : conceptReference | WILDCARD | LPAREN expression RPAREN ;

constraintOperator : LTLT | LT | GTGT | GT | CHILD_OF | PARENT_OF ;

refinement : refinementItem (refinementOperator refinementItem)* ;

refinementOperator : AND | OR | COMMA ;

refinementItem
  : attribute
  | LBRACE refinement RBRACE
  | LPAREN refinement RPAREN
  ;

attribute : attributeName comparator subExpression ;

attributeName : constraintOperator? (conceptReference | WILDCARD) ;

comparator : EQ | NEQ ;

conceptReference : SCTID TERM? ;

LTLT : '<<' ;
CHILD_OF : '<!' ;
LT : '<' ;
GTGT : '>>' ;
PARENT_OF : '>!' ;
GT : '>' ;
CARET : '^' ;
WILDCARD : '*' ;
LPAREN : '(' ;
RPAREN : ')' ;
LBRACE : '{' ;
RBRACE : '}' ;
COLON : ':' ;
COMMA : ',' ;
NEQ : '!=' ;
EQ : '=' ;
AND : [Aa] [Nn] [Dd] ;
OR : [Oo] [Rr] ;
MINUS : [Mm] [Ii] [Nn] [Uu] [Ss] ;
SCTID : [1-9] [0-9]* ;
TERM : '|' ~'|'* '|' ;
WS : [ \t\r\n]+ -> skip ;
