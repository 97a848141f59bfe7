import type { Rng } from '@castor/seeded-random';

/**
 * The real departamentos as the Registraduría codes them (not DANE codes), with rounded public
 * figures that shape the synthetic country: municipios, habilitados (millions), typical turnout
 * of a presidential second round, the share of the left candidate in the 2022 second round (a
 * regional lean, used as an axis, not as a prediction) and the weight of the largest municipio.
 * They are approximations chosen for realism; nothing here is official data.
 */
export interface DepartamentoProfile {
  code: string;
  name: string;
  /** The largest municipio (or country, for Consulados); it gets code 001. */
  capital: string;
  municipios: number;
  habilitadosMillions: number;
  turnout: number;
  leftShare: number;
  capitalShare: number;
  /** A few real municipio names, used before generated ones. */
  knownMunicipios: readonly string[];
}

const profile = (
  code: string,
  name: string,
  capital: string,
  municipios: number,
  habilitadosMillions: number,
  turnout: number,
  leftShare: number,
  capitalShare: number,
  knownMunicipios: readonly string[] = [],
): DepartamentoProfile => ({
  code,
  name,
  capital,
  municipios,
  habilitadosMillions,
  turnout,
  leftShare,
  capitalShare,
  knownMunicipios,
});

export const CONSULADOS_CODE = '88';
export const BOGOTA_CODE = '16';

export const DEPARTAMENTOS: readonly DepartamentoProfile[] = [
  profile('01', 'ANTIOQUIA', 'MEDELLIN', 125, 5.0, 0.58, 0.33, 0.38, [
    'BELLO',
    'ITAGUI',
    'ENVIGADO',
    'APARTADO',
    'TURBO',
    'RIONEGRO',
    'CAUCASIA',
    'SANTA FE DE ANTIOQUIA',
    'ANZA',
    'YARUMAL',
    'LA CEJA',
    'CHIGORODO',
    'SEGOVIA',
    'ANDES',
  ]),
  profile('03', 'ATLANTICO', 'BARRANQUILLA', 23, 1.9, 0.58, 0.62, 0.5, [
    'SOLEDAD',
    'MALAMBO',
    'SABANALARGA',
    'PUERTO COLOMBIA',
    'BARANOA',
    'GALAPA',
  ]),
  profile('05', 'BOLIVAR', 'CARTAGENA', 46, 1.6, 0.55, 0.62, 0.48, [
    'MAGANGUE',
    'TURBACO',
    'ARJONA',
    'EL CARMEN DE BOLIVAR',
    'MOMPOS',
  ]),
  profile('07', 'BOYACA', 'TUNJA', 123, 1.0, 0.62, 0.45, 0.15, [
    'DUITAMA',
    'SOGAMOSO',
    'CHIQUINQUIRA',
    'PAIPA',
    'PUERTO BOYACA',
    'VILLA DE LEYVA',
  ]),
  profile('09', 'CALDAS', 'MANIZALES', 27, 0.8, 0.58, 0.38, 0.42, ['LA DORADA', 'CHINCHINA', 'VILLAMARIA', 'ANSERMA']),
  profile('11', 'CAUCA', 'POPAYAN', 42, 1.05, 0.58, 0.79, 0.22, [
    'SANTANDER DE QUILICHAO',
    'PUERTO TEJADA',
    'EL TAMBO',
    'PATIA',
    'PIENDAMO',
    'TORIBIO',
    'SILVIA',
  ]),
  profile('12', 'CESAR', 'VALLEDUPAR', 25, 0.8, 0.55, 0.55, 0.45, ['AGUACHICA', 'CODAZZI', 'BOSCONIA', 'CURUMANI']),
  profile('13', 'CORDOBA', 'MONTERIA', 30, 1.25, 0.56, 0.57, 0.3, [
    'LORICA',
    'CERETE',
    'SAHAGUN',
    'MONTELIBANO',
    'PLANETA RICA',
    'TIERRALTA',
  ]),
  profile('15', 'CUNDINAMARCA', 'SOACHA', 116, 2.2, 0.63, 0.47, 0.18, [
    'FACATATIVA',
    'ZIPAQUIRA',
    'CHIA',
    'FUSAGASUGA',
    'GIRARDOT',
    'MOSQUERA',
    'MADRID',
    'FUNZA',
  ]),
  profile('16', 'BOGOTA D.C.', 'BOGOTA. D.C.', 1, 5.9, 0.62, 0.58, 1),
  profile('17', 'CHOCO', 'QUIBDO', 30, 0.38, 0.45, 0.82, 0.35, ['ISTMINA', 'TADO', 'CONDOTO', 'BAHIA SOLANO']),
  profile('19', 'HUILA', 'NEIVA', 37, 0.85, 0.56, 0.42, 0.32, ['PITALITO', 'GARZON', 'LA PLATA', 'CAMPOALEGRE']),
  profile('21', 'MAGDALENA', 'SANTA MARTA', 30, 1.0, 0.52, 0.62, 0.38, [
    'CIENAGA',
    'FUNDACION',
    'EL BANCO',
    'PLATO',
    'ZONA BANANERA',
  ]),
  profile('23', 'NARIÑO', 'PASTO', 64, 1.15, 0.55, 0.8, 0.28, ['TUMACO', 'IPIALES', 'TUQUERRES', 'SAMANIEGO']),
  profile('24', 'RISARALDA', 'PEREIRA', 14, 0.76, 0.58, 0.45, 0.48, [
    'DOSQUEBRADAS',
    'SANTA ROSA DE CABAL',
    'LA VIRGINIA',
  ]),
  profile('25', 'NORTE DE SANTANDER', 'CUCUTA', 40, 1.1, 0.55, 0.21, 0.55, [
    'OCAÑA',
    'VILLA DEL ROSARIO',
    'LOS PATIOS',
    'PAMPLONA',
    'TIBU',
  ]),
  profile('26', 'QUINDIO', 'ARMENIA', 12, 0.46, 0.6, 0.4, 0.55, ['CALARCA', 'MONTENEGRO', 'LA TEBAIDA', 'QUIMBAYA']),
  profile('27', 'SANTANDER', 'BUCARAMANGA', 87, 1.65, 0.6, 0.37, 0.3, [
    'FLORIDABLANCA',
    'GIRON',
    'PIEDECUESTA',
    'BARRANCABERMEJA',
    'SAN GIL',
    'SOCORRO',
  ]),
  profile('28', 'SUCRE', 'SINCELEJO', 26, 0.68, 0.6, 0.65, 0.38, ['COROZAL', 'SAN MARCOS', 'SAMPUES', 'TOLU']),
  profile('29', 'TOLIMA', 'IBAGUE', 47, 1.05, 0.57, 0.39, 0.4, ['ESPINAL', 'MELGAR', 'CHAPARRAL', 'HONDA', 'LIBANO']),
  profile('31', 'VALLE', 'CALI', 42, 3.6, 0.57, 0.62, 0.55, [
    'BUENAVENTURA',
    'PALMIRA',
    'TULUA',
    'CARTAGO',
    'BUGA',
    'JAMUNDI',
    'YUMBO',
  ]),
  profile('40', 'ARAUCA', 'ARAUCA', 7, 0.2, 0.52, 0.45, 0.4, ['SARAVENA', 'TAME', 'ARAUQUITA']),
  profile('44', 'CAQUETA', 'FLORENCIA', 16, 0.3, 0.52, 0.43, 0.45, ['SAN VICENTE DEL CAGUAN', 'PUERTO RICO']),
  profile('46', 'CASANARE', 'YOPAL', 19, 0.3, 0.58, 0.21, 0.45, ['AGUAZUL', 'VILLANUEVA', 'PAZ DE ARIPORO']),
  profile('48', 'LA GUAJIRA', 'RIOHACHA', 15, 0.6, 0.45, 0.64, 0.3, [
    'MAICAO',
    'URIBIA',
    'MANAURE',
    'SAN JUAN DEL CESAR',
    'FONSECA',
  ]),
  profile('50', 'GUAINIA', 'INIRIDA', 3, 0.03, 0.48, 0.6, 0.7),
  profile('52', 'META', 'VILLAVICENCIO', 29, 0.78, 0.56, 0.36, 0.5, [
    'ACACIAS',
    'GRANADA',
    'PUERTO LOPEZ',
    'PUERTO GAITAN',
  ]),
  profile('54', 'GUAVIARE', 'SAN JOSE DEL GUAVIARE', 4, 0.07, 0.5, 0.45, 0.6, ['EL RETORNO', 'CALAMAR', 'MIRAFLORES']),
  profile('56', 'SAN ANDRES', 'SAN ANDRES', 2, 0.05, 0.42, 0.57, 0.9, ['PROVIDENCIA']),
  profile('60', 'AMAZONAS', 'LETICIA', 2, 0.06, 0.52, 0.65, 0.7, ['PUERTO NARIÑO']),
  profile('64', 'PUTUMAYO', 'MOCOA', 13, 0.27, 0.52, 0.78, 0.2, [
    'PUERTO ASIS',
    'ORITO',
    'VALLE DEL GUAMUEZ',
    'SIBUNDOY',
  ]),
  profile('68', 'VAUPES', 'MITU', 3, 0.03, 0.5, 0.65, 0.7, ['CARURU', 'TARAIRA']),
  profile('72', 'VICHADA', 'PUERTO CARREÑO', 4, 0.06, 0.48, 0.55, 0.4, ['LA PRIMAVERA', 'CUMARIBO', 'SANTA ROSALIA']),
  // Colombians abroad vote in consulates: the "municipios" of 88 are countries, and turnout is low.
  profile('88', 'CONSULADOS', 'ESTADOS UNIDOS', 45, 1.2, 0.25, 0.4, 0.35, [
    'ESPAÑA',
    'VENEZUELA',
    'ECUADOR',
    'CANADA',
    'CHILE',
    'MEXICO',
    'PANAMA',
    'ARGENTINA',
    'REINO UNIDO',
    'FRANCIA',
    'ALEMANIA',
    'ITALIA',
    'AUSTRALIA',
    'PERU',
    'BRASIL',
    'COSTA RICA',
    'PAISES BAJOS',
    'SUIZA',
    'BELGICA',
    'SUECIA',
    'CURAZAO',
    'ARUBA',
    'REPUBLICA DOMINICANA',
    'URUGUAY',
    'BOLIVIA',
    'PARAGUAY',
    'GUATEMALA',
    'EL SALVADOR',
    'HONDURAS',
    'CUBA',
    'PORTUGAL',
    'NORUEGA',
    'DINAMARCA',
    'AUSTRIA',
    'IRLANDA',
    'ISRAEL',
    'EGIPTO',
    'CHINA',
    'JAPON',
    'COREA DEL SUR',
    'INDIA',
    'EMIRATOS ARABES UNIDOS',
    'NUEVA ZELANDA',
    'SUDAFRICA',
  ]),
];

const SAINTS = [
  'SAN JOSE',
  'SAN PEDRO',
  'SAN PABLO',
  'SAN LUIS',
  'SAN CARLOS',
  'SAN JUAN',
  'SAN MIGUEL',
  'SAN MARTIN',
  'SAN VICENTE',
  'SAN FRANCISCO',
  'SAN RAFAEL',
  'SAN ROQUE',
  'SAN BERNARDO',
  'SAN CAYETANO',
  'SAN JACINTO',
  'SAN SEBASTIAN',
  'SAN ANTONIO',
  'SAN AGUSTIN',
  'SANTA ROSA',
  'SANTA ANA',
  'SANTA BARBARA',
  'SANTA LUCIA',
  'SANTA CATALINA',
  'SANTA MARIA',
  'SANTA ISABEL',
  'SANTO DOMINGO',
  'SANTO TOMAS',
];
const PLACE_SUFFIXES = [
  'DE LOS ANDES',
  'DEL RIO',
  'DE LA MONTAÑA',
  'DEL SUR',
  'DE LA SIERRA',
  'DEL PALMAR',
  'DEL MONTE',
  'DE LA PAZ',
  'DEL NORTE',
  'DE LA VEGA',
  'DE BUENAVISTA',
  'DEL LLANO',
  'DE LAS PALMAS',
];
const PLACES = [
  'EL CARMEN',
  'LA UNION',
  'LA VEGA',
  'EL PEÑOL',
  'BUENAVISTA',
  'LA CRUZ',
  'ALBANIA',
  'BELEN',
  'GUADALUPE',
  'VILLANUEVA',
  'LA ESTRELLA',
  'EL ROSAL',
  'LA MESA',
  'EL PASO',
  'LA MERCED',
  'EL RETIRO',
  'LA CUMBRE',
  'CONCEPCION',
  'CANDELARIA',
  'LA VICTORIA',
  'FLORIDA',
  'RESTREPO',
  'GRANADA',
  'TOLEDO',
  'RICAURTE',
  'PUERTO ALEGRE',
  'PUERTO LIBRE',
  'PUERTO NUEVO',
  'PUERTO TRIUNFO',
  'PUERTO ESCONDIDO',
  'VILLA RICA',
  'VILLA MARIA',
  'TOTORO',
  'PURACE',
  'CUMBAL',
  'GUACHUCAL',
  'SOTAQUIRA',
  'TIBASOSA',
  'SUTATENZA',
  'NEMOCON',
  'SUESCA',
  'CUCAITA',
  'SIACHOQUE',
  'MONGUA',
  'GAMEZA',
  'CHIVATA',
  'AQUITANIA',
  'ZAPATOCA',
  'CHARALA',
  'OIBA',
];

/** Plausible municipio names: the real ones of the departamento first, then generated ones. */
export function municipioNames(departamento: DepartamentoProfile, count: number, random: Rng): string[] {
  const names = [departamento.capital, ...departamento.knownMunicipios].slice(0, count);
  const taken = new Set(names);
  const pool = random.shuffle([
    ...SAINTS,
    ...PLACES,
    ...SAINTS.flatMap((saint) => PLACE_SUFFIXES.map((suffix) => `${saint} ${suffix}`)),
  ]);
  for (const name of pool) {
    if (names.length >= count) break;
    if (taken.has(name)) continue;
    taken.add(name);
    names.push(name);
  }
  for (let extra = 2; names.length < count; extra++) names.push(`${departamento.capital} ${extra}`);
  return names;
}

const PATRONS = [
  'JOSE MARIA CORDOVA',
  'POLICARPA SALAVARRIETA',
  'ANTONIO NARIÑO',
  'FRANCISCO DE PAULA SANTANDER',
  'SIMON BOLIVAR',
  'CAMILO TORRES',
  'JORGE ELIECER GAITAN',
  'LA PRESENTACION',
  'NUESTRA SEÑORA DEL ROSARIO',
  'DIVINO NIÑO',
  'LA SALLE',
  'GABRIELA MISTRAL',
  'RAFAEL NUÑEZ',
  'GUILLERMO VALENCIA',
  'ATANASIO GIRARDOT',
  'LA INMACULADA',
  'MARCO FIDEL SUAREZ',
  'JOSE ASUNCION SILVA',
  'MANUELA BELTRAN',
  'ANTONIA SANTOS',
  'JUAN XXIII',
  'SANTA TERESITA',
  'LOS LIBERTADORES',
  'NUEVA GRANADA',
  'JORGE ISAACS',
  'TOMAS CARRASQUILLA',
  'LUIS CARLOS GALAN',
  'JOSE CELESTINO MUTIS',
  'FRANCISCO JOSE DE CALDAS',
  'LA MILAGROSA',
];
const URBAN_PUESTO_FORMS = ['I.E.', 'COL.', 'ESC.', 'INST. TEC.', 'CONCENTRACION ESCOLAR', 'SEDE'];
const URBAN_VENUES = ['COLISEO MUNICIPAL', 'CASA DE LA CULTURA', 'SENA', 'PLAZA DE MERCADO', 'CENTRO DE CONVENCIONES'];
const VEREDAS = [
  'EL PORVENIR',
  'LA ESPERANZA',
  'SAN ISIDRO',
  'LAS PALMAS',
  'EL DIAMANTE',
  'LA FLORIDA',
  'BUENOS AIRES',
  'EL CEDRO',
  'MONTEBELLO',
  'EL ROBLE',
  'LA PRIMAVERA',
  'GUAYABAL',
  'PALOMINO',
  'LA MESETA',
  'EL TIGRE',
  'CAÑO NEGRO',
  'LOS ALPES',
  'PIEDRA BLANCA',
  'CATIVO',
  'EL SALADO',
  'SANTA HELENA',
  'EL BOSQUE',
  'LA SOLEDAD',
  'LAS MERCEDES',
  'EL PLACER',
  'BELLAVISTA',
  'EL RECREO',
  'ALTO BONITO',
  'BOCAS DEL RIO',
  'EL LLANITO',
  'LA CABAÑA',
  'LOS NARANJOS',
];
const RURAL_PUESTO_FORMS = ['ESC. RURAL', 'C.E.R.', 'CORREG.', 'INSPECCION', 'VEREDA'];
const CONSULADO_CITIES: Record<string, readonly string[]> = {
  'ESTADOS UNIDOS': ['MIAMI', 'NUEVA YORK', 'HOUSTON', 'ORLANDO', 'ATLANTA', 'CHICAGO', 'NEWARK', 'LOS ANGELES'],
  ESPAÑA: ['MADRID', 'BARCELONA', 'VALENCIA', 'SEVILLA', 'BILBAO', 'PALMA DE MALLORCA'],
  VENEZUELA: ['CARACAS', 'MARACAIBO', 'SAN CRISTOBAL', 'VALENCIA', 'BARQUISIMETO', 'PUERTO ORDAZ'],
  ECUADOR: ['QUITO', 'GUAYAQUIL', 'CUENCA', 'LAGO AGRIO'],
  CANADA: ['TORONTO', 'MONTREAL', 'VANCOUVER', 'CALGARY'],
  CHILE: ['SANTIAGO', 'ANTOFAGASTA'],
  MEXICO: ['CIUDAD DE MEXICO', 'GUADALAJARA', 'MONTERREY', 'CANCUN'],
};

/** Names the puestos of one municipio, unique within it. */
export class PuestoNamer {
  private readonly taken = new Set<string>();

  constructor(
    private readonly random: Rng,
    private readonly municipio: string,
    private readonly consulado: boolean,
  ) {}

  name(kind: 'cabecera' | 'urban' | 'rural'): string {
    return this.unique(this.candidate(kind));
  }

  private candidate(kind: 'cabecera' | 'urban' | 'rural'): string {
    const random = this.random;
    if (this.consulado) {
      const cities = CONSULADO_CITIES[this.municipio];
      return cities ? `CONSULADO EN ${random.pick(cities)}` : `CONSULADO GENERAL EN ${this.municipio}`;
    }
    if (kind === 'cabecera') return `I.E ${this.municipio}`;
    if (kind === 'rural') return `${random.pick(RURAL_PUESTO_FORMS)} ${random.pick(VEREDAS)}`;
    return random.chance(0.1)
      ? random.pick(URBAN_VENUES)
      : `${random.pick(URBAN_PUESTO_FORMS)} ${random.pick(PATRONS)}`;
  }

  private unique(base: string): string {
    let name = base;
    for (let sede = 2; this.taken.has(name); sede++) name = `${base} SEDE ${sede}`;
    this.taken.add(name);
    return name;
  }
}

const FIRST_NAMES = [
  'MARIA',
  'JOSE',
  'LUIS',
  'ANA',
  'CARLOS',
  'LUZ',
  'JUAN',
  'DIANA',
  'ANDRES',
  'CLAUDIA',
  'JORGE',
  'SANDRA',
  'CAMILO',
  'PAOLA',
  'FERNANDO',
  'ANGELA',
  'MAURICIO',
  'CATALINA',
  'ALEJANDRO',
  'MARTHA',
  'GUSTAVO',
  'LILIANA',
  'HERNAN',
  'NATALIA',
  'OSCAR',
  'VIVIANA',
  'RICARDO',
  'ADRIANA',
  'FABIO',
  'JULIANA',
];
const SURNAMES = [
  'GOMEZ',
  'RODRIGUEZ',
  'MARTINEZ',
  'GARCIA',
  'LOPEZ',
  'HERNANDEZ',
  'GONZALEZ',
  'PEREZ',
  'SANCHEZ',
  'RAMIREZ',
  'TORRES',
  'DIAZ',
  'MORENO',
  'ROJAS',
  'VARGAS',
  'CASTRO',
  'JIMENEZ',
  'SUAREZ',
  'OSPINA',
  'RESTREPO',
  'CARDONA',
  'MEJIA',
  'ARIAS',
  'OROZCO',
  'QUINTERO',
  'VALENCIA',
  'MOSQUERA',
  'CAICEDO',
  'BENAVIDES',
  'PATIÑO',
  'OCAMPO',
  'SALAZAR',
  'BERMUDEZ',
  'CORTES',
  'MURILLO',
  'PALACIOS',
];

/** A plausible Colombian full name: one or two given names and two surnames. */
export function personName(random: Rng): string {
  const given = random.chance(0.4)
    ? `${random.pick(FIRST_NAMES)} ${random.pick(FIRST_NAMES)}`
    : random.pick(FIRST_NAMES);
  return `${given} ${random.pick(SURNAMES)} ${random.pick(SURNAMES)}`;
}
