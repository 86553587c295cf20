import ExerciseChecks
import Student
import Testing

@Test("22 · He and Glorot standard deviations") func initScaleExercise() {
    expectSolved(Checks.initScale(fans: fans, scale: initScale))
}
