import ExerciseChecks
import Student
import Testing

@Test("28 · parameters and multiply-adds of a network") func networkCostExercise() {
    expectSolved(Checks.networkCost(networkCost))
}
