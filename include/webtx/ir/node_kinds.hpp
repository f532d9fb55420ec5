#pragma once
// The one list of IR node kinds. Adding a node: one line here plus its struct in expr.hpp or
// stmt.hpp; the kind enums, visitor declarations and dispatch are generated from these lists.

#define WEBTX_FOR_EACH_EXPR(X) \
  X(IntImm)                    \
  X(FloatImm)                  \
  X(Variable)                  \
  X(Add)                       \
  X(Sub)                       \
  X(Mul)                       \
  X(Div)                       \
  X(Mod)                       \
  X(Min)                       \
  X(Max)                       \
  X(EQ)                        \
  X(NE)                        \
  X(LT)                        \
  X(LE)                        \
  X(GT)                        \
  X(GE)                        \
  X(And)                       \
  X(Or)                        \
  X(Not)                       \
  X(Select)                    \
  X(Cast)                      \
  X(Call)                      \
  X(Load)                      \
  X(ProducerLoad)              \
  X(Reduce)                    \
  X(ThreadIndex)

#define WEBTX_FOR_EACH_STMT(X) \
  X(LetStmt)                   \
  X(For)                       \
  X(Store)                     \
  X(ProducerStore)             \
  X(IfThenElse)                \
  X(Seq)                       \
  X(Allocate)                  \
  X(Barrier)
