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
	case09ReadinessFailing,
	case10CrashLoop,
}
