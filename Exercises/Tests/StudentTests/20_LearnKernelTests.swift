import ExerciseChecks
import Student
import Testing

@Test("20 · learn a kernel by gradient descent") func learnKernelExercise() {
    expectSolved(Checks.learnKernel(learnKernel))
}
