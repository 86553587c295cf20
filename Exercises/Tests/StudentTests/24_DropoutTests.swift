import ExerciseChecks
import Student
import Testing

@Test("24 · dropout, forward and backward") func dropoutExercise() {
    expectSolved(Checks.dropout(forward: dropoutForward, backward: dropoutBackward))
}
