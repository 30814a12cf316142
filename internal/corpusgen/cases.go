package main

// cases lists every case of the corpus, in directory order.
var cases = []func() *Case{
	case01HealthyPlain,
	case02HealthyMesh,
	case03HealthyIngressNginx,
	case04NoWorkload,
	case05SelectorTypo,
	case06SelectorLabelKey,
	case07ScaledToZero,
	case08ScaledToZeroKEDA,
	case09ReadinessFailing,
	case10CrashLoop,
	case11OOMKilled,
	case12ImagePull,
	case13UnschedulableOld,
	case14InsufficientCPU,
	case15UnschedulableNew,
	case16NodeNotReady,
}
