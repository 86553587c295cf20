import ExerciseChecks
import Student
import Testing

@Test("23 · transposed convolution") func transposedConvExercise() {
    expectSolved(Checks.transposedConv(size: transposedOutputSize, transpose: conv2DTranspose))
}
