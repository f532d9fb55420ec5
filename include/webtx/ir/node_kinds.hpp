#pragma once
// The one list of IR node kinds. Adding a node: one line here plus its struct in expr.hpp or
// stmt.hpp; the kind enums, visitor declarations and dispatch are generated from these lists.

// Binary nodes (struct BinaryExpr: operands a and b of equal type), in three groups:
// arithmetic (result of the operands' type), comparisons (bool result), logic (bool, or
// bitwise on integers).
#define WEBTX_FOR_EACH_ARITH_EXPR(X) X(Add) X(Sub) X(Mul) X(Div) X(Mod) X(Min) X(Max)
#define WEBTX_FOR_EACH_CMP_EXPR(X) X(EQ) X(NE) X(LT) X(LE) X(GT) X(GE)
#define WEBTX_FOR_EACH_LOGIC_EXPR(X) X(And) X(Or)
#define WEBTX_FOR_EACH_BINARY_EXPR(X) \
  WEBTX_FOR_EACH_ARITH_EXPR(X) WEBTX_FOR_EACH_CMP_EXPR(X) WEBTX_FOR_EACH_LOGIC_EXPR(X)

#define WEBTX_FOR_EACH_EXPR(X)  \
  X(IntImm)                     \
  X(FloatImm)                   \
  X(Variable)                   \
  WEBTX_FOR_EACH_BINARY_EXPR(X) \
  X(Not)                        \
  X(Select)                     \
  X(Cast)                       \
  X(Call)                       \
  X(Load)                       \
  X(ProducerLoad)               \
  X(Reduce)                     \
  X(ThreadIndex)                \
  X(Subgroup)                   \
  X(VectorLane)                 \
  X(MakeVector)

#define WEBTX_FOR_EACH_STMT(X) \
  X(LetStmt)                   \
  X(For)                       \
  X(Store)                     \
  X(ProducerStore)             \
  X(IfThenElse)                \
  X(Seq)                       \
  X(Allocate)                  \
  X(Barrier)                   \
  X(MatrixOp)
