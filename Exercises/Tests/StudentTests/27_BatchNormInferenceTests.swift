import ExerciseChecks
import Student
import Testing

@Test("27 · batch norm in inference mode") func batchNormInferenceExercise() {
    expectSolved(Checks.batchNormInference(inference: batchNormInference, update: updateMovingStatistics))
}
