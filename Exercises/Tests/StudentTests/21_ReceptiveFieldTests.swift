import ExerciseChecks
import Student
import Testing

@Test("21 · receptive field of a layer stack") func receptiveFieldExercise() {
    expectSolved(Checks.receptiveField(receptiveField))
}
