import ExerciseChecks
import Student
import Testing

@Test("25 · one momentum step and one RMSProp step") func momentumRMSPropExercise() {
    expectSolved(Checks.momentumRMSProp(momentum: momentumStep, rmsProp: rmsPropStep))
}
