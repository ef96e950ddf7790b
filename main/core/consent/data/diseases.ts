/**
 * The bundled disease hierarchy, data/diseases.tsv (sources in data/README.md), as a
 * module: the desktop app's bundle carries modules, not data files beside them.
 * test/core/consent/bundled-diseases.test.ts keeps this text equal to the file.
 */
export const BUNDLED_DISEASES_TEXT = `# Notarium's built-in disease hierarchy for DUO DS matching (see README.md in this folder).
# Columns (tab-separated): term CURIE, label, parent CURIEs (space-separated).
# Every parent is a true is_a ancestor in the source ontology; where an intermediate
# class is left out, the nearest listed ancestor is given instead.
DOID:4	disease	
DOID:7	disease of anatomical entity	DOID:4
DOID:14566	disease of cellular proliferation	DOID:4
DOID:162	cancer	DOID:14566
DOID:0050686	organ system cancer	DOID:162
DOID:3119	gastrointestinal system cancer	DOID:0050686
DOID:10155	intestinal cancer	DOID:3119
DOID:5672	large intestine cancer	DOID:10155
DOID:9256	colorectal cancer	DOID:5672
DOID:0050615	respiratory system cancer	DOID:0050686
DOID:1324	lung cancer	DOID:0050615
DOID:3905	lung carcinoma	DOID:1324
DOID:3908	lung non-small cell carcinoma	DOID:3905
DOID:5093	thoracic cancer	DOID:0050686
DOID:1612	breast cancer	DOID:5093
DOID:0014667	disease of metabolism	DOID:4
DOID:9351	diabetes mellitus	DOID:0014667
DOID:9744	type 1 diabetes mellitus	DOID:9351
DOID:9352	type 2 diabetes mellitus	DOID:9351
DOID:863	nervous system disease	DOID:7
DOID:331	central nervous system disease	DOID:863
DOID:1289	neurodegenerative disease	DOID:331
DOID:680	tauopathy	DOID:1289
DOID:10652	Alzheimer's disease	DOID:680
MONDO:0000001	disease	
MONDO:0004992	cancer	MONDO:0000001
MONDO:0008903	lung cancer	MONDO:0004992
MONDO:0005061	lung adenocarcinoma	MONDO:0008903
MONDO:0007254	breast cancer	MONDO:0004992
MONDO:0005575	colorectal cancer	MONDO:0004992
MONDO:0005015	diabetes mellitus	MONDO:0000001
MONDO:0005147	type 1 diabetes mellitus	MONDO:0005015
MONDO:0005148	type 2 diabetes mellitus	MONDO:0005015
MONDO:0005559	neurodegenerative disease	MONDO:0000001
MONDO:0004975	Alzheimer disease	MONDO:0005559
`;
