import ExerciseChecks
import Student
import Testing

@Test("26 · residual block, backward") func residualBackwardExercise() {
    expectSolved(Checks.residualBackward(residualBackward))
}
