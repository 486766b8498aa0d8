// Over 300 lines because it is data: the demo catalogue of real places, one entry per line group.
import type { OpeningHours, PoiCategory } from '../modules/pois/tables.js';

/**
 * The demo point-of-interest catalogue: real places with their real coordinates, typical visit
 * lengths, price levels (0 free … 4 expensive) and simplified opening hours.
 */

const day = (open: string, close: string): [string, string][] => [[open, close]];
const closed: [string, string][] = [];
const every = (open: string, close: string): OpeningHours =>
  Array.from({ length: 7 }, () => day(open, close));

export const HOURS = {
  always: every('00:00', '24:00'),
  daytime: every('09:00', '18:00'),
  park: every('06:00', '22:00'),
  late: every('10:00', '22:00'),
  evening: every('18:00', '24:00'),
  worship: every('08:00', '18:00'),
  /** Museums closed on Mondays. */
  museum: [closed, ...Array.from({ length: 6 }, () => day('10:00', '18:00'))],
  /** Museums closed on Tuesdays. */
  museumTue: [day('09:00', '18:00'), closed, ...Array.from({ length: 5 }, () => day('09:00', '18:00'))],
  /** Markets closed on Sundays. */
  market: [...Array.from({ length: 6 }, () => day('08:00', '18:00')), closed],
  /** Mosques close to visitors around Friday prayers. */
  mosque: [
    ...Array.from({ length: 4 }, () => day('09:00', '18:00')),
    day('14:30', '18:00'),
    ...Array.from({ length: 2 }, () => day('09:00', '18:00')),
  ],
} satisfies Record<string, OpeningHours>;

type Hours = keyof typeof HOURS;
/** [name, category, lat, lng, visit minutes, price level, hours] */
type Row = [string, PoiCategory, number, number, number, number, Hours];

export interface DemoPoiCity {
  city: string;
  country: string;
  timeZone: string;
  pois: Row[];
}

export const DEMO_POIS: DemoPoiCity[] = [
  {
    city: 'San Francisco',
    country: 'US',
    timeZone: 'America/Los_Angeles',
    pois: [
      ['Golden Gate Bridge', 'landmark', 37.8199, -122.4783, 60, 0, 'always'],
      ['Alcatraz Island', 'landmark', 37.8267, -122.423, 180, 3, 'daytime'],
      ['Fisherman’s Wharf', 'neighbourhood', 37.808, -122.4177, 90, 1, 'always'],
      ['Golden Gate Park', 'park', 37.7694, -122.4862, 120, 0, 'park'],
      ['SFMOMA', 'museum', 37.7857, -122.4011, 150, 3, 'museum'],
      ['Exploratorium', 'museum', 37.8017, -122.3973, 150, 3, 'museum'],
      ['Ferry Building Marketplace', 'market', 37.7955, -122.3937, 60, 2, 'daytime'],
      ['Coit Tower', 'viewpoint', 37.8024, -122.4058, 45, 1, 'daytime'],
      ['Lombard Street', 'landmark', 37.8021, -122.4187, 30, 0, 'always'],
      ['Chinatown', 'neighbourhood', 37.7941, -122.4078, 75, 1, 'always'],
      ['Twin Peaks', 'viewpoint', 37.7544, -122.4477, 40, 0, 'park'],
      ['Palace of Fine Arts', 'landmark', 37.8029, -122.4484, 45, 0, 'always'],
    ],
  },
  {
    city: 'New York',
    country: 'US',
    timeZone: 'America/New_York',
    pois: [
      ['Statue of Liberty', 'landmark', 40.6892, -74.0445, 180, 3, 'daytime'],
      ['Metropolitan Museum of Art', 'museum', 40.7794, -73.9632, 180, 3, 'daytime'],
      ['Central Park', 'park', 40.7829, -73.9654, 120, 0, 'park'],
      ['Museum of Modern Art', 'museum', 40.7614, -73.9776, 150, 3, 'daytime'],
      ['Empire State Building', 'viewpoint', 40.7484, -73.9857, 75, 3, 'late'],
      ['Brooklyn Bridge', 'landmark', 40.7061, -73.9969, 60, 0, 'always'],
      ['The High Line', 'park', 40.748, -74.0048, 75, 0, 'park'],
      ['Times Square', 'neighbourhood', 40.758, -73.9855, 30, 0, 'always'],
      ['9/11 Memorial & Museum', 'museum', 40.7115, -74.0134, 120, 3, 'daytime'],
      ['Chelsea Market', 'market', 40.7424, -74.0061, 60, 2, 'late'],
      ['American Museum of Natural History', 'museum', 40.7813, -73.974, 180, 3, 'daytime'],
      ['Grand Central Terminal', 'landmark', 40.7527, -73.9772, 30, 0, 'always'],
    ],
  },
  {
    city: 'Los Angeles',
    country: 'US',
    timeZone: 'America/Los_Angeles',
    pois: [
      ['Griffith Observatory', 'viewpoint', 34.1184, -118.3004, 90, 0, 'late'],
      ['Getty Center', 'museum', 34.078, -118.4741, 180, 0, 'museum'],
      ['Santa Monica Pier', 'beach', 34.0099, -118.4965, 90, 1, 'always'],
      ['Venice Beach Boardwalk', 'beach', 33.985, -118.4695, 90, 0, 'always'],
      ['Hollywood Walk of Fame', 'landmark', 34.1016, -118.3267, 45, 0, 'always'],
      ['LACMA', 'museum', 34.0639, -118.3592, 150, 3, 'museumTue'],
      ['The Broad', 'museum', 34.0544, -118.2504, 90, 0, 'museum'],
      ['Grand Central Market', 'market', 34.0508, -118.2489, 60, 2, 'daytime'],
      ['Walt Disney Concert Hall', 'landmark', 34.0553, -118.2498, 45, 0, 'daytime'],
      ['Runyon Canyon', 'park', 34.1109, -118.3497, 90, 0, 'park'],
    ],
  },
  {
    city: 'Chicago',
    country: 'US',
    timeZone: 'America/Chicago',
    pois: [
      ['Art Institute of Chicago', 'museum', 41.8796, -87.6237, 180, 3, 'museumTue'],
      ['Millennium Park', 'park', 41.8826, -87.6226, 60, 0, 'park'],
      ['Willis Tower Skydeck', 'viewpoint', 41.8789, -87.6359, 75, 3, 'late'],
      ['Navy Pier', 'landmark', 41.8917, -87.6086, 90, 1, 'late'],
      ['Field Museum', 'museum', 41.8663, -87.617, 180, 3, 'daytime'],
      ['Shedd Aquarium', 'museum', 41.8676, -87.614, 150, 3, 'daytime'],
      ['Lincoln Park Zoo', 'park', 41.9211, -87.6338, 120, 0, 'daytime'],
      ['Chicago Riverwalk', 'neighbourhood', 41.8881, -87.6265, 60, 0, 'always'],
      ['Wrigley Field', 'landmark', 41.9484, -87.6553, 60, 2, 'daytime'],
    ],
  },
  {
    city: 'Toronto',
    country: 'CA',
    timeZone: 'America/Toronto',
    pois: [
      ['CN Tower', 'viewpoint', 43.6426, -79.3871, 90, 3, 'late'],
      ['Royal Ontario Museum', 'museum', 43.6677, -79.3948, 150, 2, 'daytime'],
      ['St. Lawrence Market', 'market', 43.6487, -79.3716, 60, 1, 'market'],
      ['Distillery District', 'neighbourhood', 43.6503, -79.3596, 90, 1, 'always'],
      ['Art Gallery of Ontario', 'museum', 43.6536, -79.3925, 120, 2, 'museum'],
      ['Casa Loma', 'landmark', 43.678, -79.4094, 120, 2, 'daytime'],
      ['Toronto Islands', 'park', 43.6205, -79.3783, 150, 1, 'park'],
      ['Kensington Market', 'neighbourhood', 43.6547, -79.4005, 75, 1, 'late'],
    ],
  },
  {
    city: 'Mexico City',
    country: 'MX',
    timeZone: 'America/Mexico_City',
    pois: [
      ['Zócalo and Metropolitan Cathedral', 'religious', 19.4326, -99.1332, 60, 0, 'worship'],
      ['National Museum of Anthropology', 'museum', 19.426, -99.1862, 180, 1, 'museum'],
      ['Chapultepec Castle', 'landmark', 19.4204, -99.1819, 120, 1, 'museum'],
      ['Palacio de Bellas Artes', 'landmark', 19.4352, -99.1412, 60, 1, 'museum'],
      ['Frida Kahlo Museum', 'museum', 19.3551, -99.1625, 90, 2, 'museum'],
      ['Templo Mayor', 'museum', 19.4346, -99.1313, 90, 1, 'museum'],
      ['Mercado de Coyoacán', 'market', 19.3509, -99.1618, 60, 1, 'daytime'],
      ['Xochimilco canals', 'neighbourhood', 19.2572, -99.1037, 150, 2, 'daytime'],
    ],
  },
  {
    city: 'São Paulo',
    country: 'BR',
    timeZone: 'America/Sao_Paulo',
    pois: [
      ['Ibirapuera Park', 'park', -23.5874, -46.6576, 120, 0, 'park'],
      ['MASP', 'museum', -23.5614, -46.6559, 120, 2, 'museum'],
      ['Mercado Municipal', 'market', -23.5417, -46.6297, 60, 1, 'daytime'],
      ['Avenida Paulista', 'neighbourhood', -23.5614, -46.6561, 60, 0, 'always'],
      ['Pinacoteca do Estado', 'museum', -23.5343, -46.6339, 120, 1, 'museum'],
      ['Beco do Batman', 'neighbourhood', -23.5561, -46.6873, 45, 0, 'always'],
      ['São Paulo Cathedral', 'religious', -23.5511, -46.6343, 45, 0, 'worship'],
      ['Edifício Itália terrace', 'viewpoint', -23.5456, -46.6433, 60, 2, 'evening'],
    ],
  },
  {
    city: 'London',
    country: 'GB',
    timeZone: 'Europe/London',
    pois: [
      ['British Museum', 'museum', 51.5194, -0.127, 180, 0, 'daytime'],
      ['Tower of London', 'landmark', 51.5081, -0.0759, 150, 3, 'daytime'],
      ['Westminster Abbey', 'religious', 51.4993, -0.1273, 90, 3, 'worship'],
      ['National Gallery', 'museum', 51.5089, -0.1283, 120, 0, 'daytime'],
      ['Tate Modern', 'museum', 51.5076, -0.0994, 120, 0, 'daytime'],
      ['Borough Market', 'market', 51.5055, -0.091, 60, 2, 'market'],
      ['Hyde Park', 'park', 51.5073, -0.1657, 90, 0, 'park'],
      ['St Paul’s Cathedral', 'religious', 51.5138, -0.0984, 75, 3, 'worship'],
      ['Natural History Museum', 'museum', 51.4967, -0.1764, 150, 0, 'daytime'],
      ['Buckingham Palace', 'landmark', 51.5014, -0.1419, 45, 0, 'always'],
      ['Camden Market', 'market', 51.5413, -0.1465, 75, 1, 'late'],
      ['Sky Garden', 'viewpoint', 51.5112, -0.0836, 45, 0, 'late'],
    ],
  },
  {
    city: 'Paris',
    country: 'FR',
    timeZone: 'Europe/Paris',
    pois: [
      ['Louvre Museum', 'museum', 48.8606, 2.3376, 180, 2, 'museumTue'],
      ['Eiffel Tower', 'viewpoint', 48.8584, 2.2945, 120, 3, 'late'],
      ['Musée d’Orsay', 'museum', 48.86, 2.3266, 150, 2, 'museum'],
      ['Notre-Dame de Paris', 'religious', 48.853, 2.3499, 60, 0, 'worship'],
      ['Sainte-Chapelle', 'religious', 48.8554, 2.345, 45, 2, 'daytime'],
      ['Montmartre and Sacré-Cœur', 'neighbourhood', 48.8867, 2.3431, 120, 0, 'always'],
      ['Arc de Triomphe', 'viewpoint', 48.8738, 2.295, 60, 2, 'late'],
      ['Jardin du Luxembourg', 'park', 48.8462, 2.3372, 75, 0, 'park'],
      ['Centre Pompidou', 'museum', 48.8607, 2.3522, 150, 2, 'museumTue'],
      ['Le Marais', 'neighbourhood', 48.8575, 2.3624, 90, 1, 'always'],
      ['Musée Rodin', 'museum', 48.8553, 2.3159, 90, 2, 'museum'],
      ['Marché des Enfants Rouges', 'market', 48.8629, 2.3619, 45, 1, 'museum'],
    ],
  },
  {
    city: 'Berlin',
    country: 'DE',
    timeZone: 'Europe/Berlin',
    pois: [
      ['Brandenburg Gate', 'landmark', 52.5163, 13.3777, 30, 0, 'always'],
      ['Reichstag dome', 'viewpoint', 52.5186, 13.3762, 60, 0, 'late'],
      ['Pergamon Museum', 'museum', 52.5212, 13.3967, 150, 2, 'museum'],
      ['East Side Gallery', 'landmark', 52.505, 13.4397, 60, 0, 'always'],
      ['Memorial to the Murdered Jews of Europe', 'landmark', 52.5139, 13.3787, 45, 0, 'always'],
      ['Checkpoint Charlie', 'landmark', 52.5075, 13.3903, 30, 0, 'always'],
      ['Tiergarten', 'park', 52.5145, 13.3501, 90, 0, 'park'],
      ['Berlin Cathedral', 'religious', 52.5191, 13.4011, 60, 2, 'worship'],
      ['Neues Museum', 'museum', 52.5206, 13.3978, 120, 2, 'daytime'],
      ['Markthalle Neun', 'market', 52.5022, 13.4318, 60, 1, 'market'],
    ],
  },
  {
    city: 'Madrid',
    country: 'ES',
    timeZone: 'Europe/Madrid',
    pois: [
      ['Museo del Prado', 'museum', 40.4138, -3.6921, 180, 2, 'late'],
      ['Royal Palace of Madrid', 'landmark', 40.418, -3.7143, 120, 2, 'daytime'],
      ['Retiro Park', 'park', 40.4153, -3.6845, 90, 0, 'park'],
      ['Museo Reina Sofía', 'museum', 40.4086, -3.6946, 150, 2, 'museumTue'],
      ['Plaza Mayor', 'landmark', 40.4155, -3.7074, 30, 0, 'always'],
      ['Mercado de San Miguel', 'market', 40.4154, -3.709, 60, 2, 'late'],
      ['Thyssen-Bornemisza Museum', 'museum', 40.416, -3.6949, 120, 2, 'museum'],
      ['Templo de Debod', 'viewpoint', 40.424, -3.7177, 40, 0, 'always'],
      ['Puerta del Sol', 'landmark', 40.4169, -3.7035, 20, 0, 'always'],
    ],
  },
  {
    city: 'Rome',
    country: 'IT',
    timeZone: 'Europe/Rome',
    pois: [
      ['Colosseum', 'landmark', 41.8902, 12.4922, 120, 2, 'daytime'],
      ['Roman Forum', 'landmark', 41.8925, 12.4853, 120, 2, 'daytime'],
      ['Pantheon', 'religious', 41.8986, 12.4769, 45, 1, 'daytime'],
      ['Trevi Fountain', 'landmark', 41.9009, 12.4833, 20, 0, 'always'],
      ['Vatican Museums', 'museum', 41.9065, 12.4536, 210, 3, 'market'],
      ['St. Peter’s Basilica', 'religious', 41.9022, 12.4539, 90, 0, 'worship'],
      ['Borghese Gallery', 'museum', 41.9142, 12.4921, 120, 3, 'museum'],
      ['Piazza Navona', 'landmark', 41.8992, 12.4731, 30, 0, 'always'],
      ['Trastevere', 'neighbourhood', 41.8897, 12.4695, 90, 1, 'always'],
      ['Campo de’ Fiori market', 'market', 41.8956, 12.4722, 45, 1, 'market'],
      ['Spanish Steps', 'landmark', 41.906, 12.4828, 20, 0, 'always'],
    ],
  },
  {
    city: 'Amsterdam',
    country: 'NL',
    timeZone: 'Europe/Amsterdam',
    pois: [
      ['Rijksmuseum', 'museum', 52.36, 4.8852, 180, 3, 'daytime'],
      ['Van Gogh Museum', 'museum', 52.3584, 4.8811, 120, 3, 'daytime'],
      ['Anne Frank House', 'museum', 52.3752, 4.884, 75, 2, 'late'],
      ['Vondelpark', 'park', 52.358, 4.8686, 60, 0, 'always'],
      ['Jordaan', 'neighbourhood', 52.3745, 4.8793, 90, 1, 'always'],
      ['Albert Cuyp Market', 'market', 52.3556, 4.8943, 60, 1, 'market'],
      ['A’DAM Lookout', 'viewpoint', 52.3843, 4.9023, 60, 3, 'late'],
      ['Dam Square and Royal Palace', 'landmark', 52.3731, 4.8926, 45, 2, 'daytime'],
      ['Canal cruise from Central Station', 'landmark', 52.3779, 4.8998, 75, 2, 'late'],
    ],
  },
  {
    city: 'Istanbul',
    country: 'TR',
    timeZone: 'Europe/Istanbul',
    pois: [
      ['Hagia Sophia', 'religious', 41.0086, 28.9802, 75, 0, 'mosque'],
      ['Blue Mosque', 'religious', 41.0054, 28.9768, 45, 0, 'mosque'],
      ['Topkapı Palace', 'museum', 41.0115, 28.9834, 180, 3, 'museumTue'],
      ['Grand Bazaar', 'market', 41.0106, 28.968, 120, 2, 'market'],
      ['Basilica Cistern', 'landmark', 41.0084, 28.9779, 45, 2, 'daytime'],
      ['Spice Bazaar', 'market', 41.0166, 28.9706, 60, 1, 'market'],
      ['Galata Tower', 'viewpoint', 41.0256, 28.9742, 45, 2, 'late'],
      ['Süleymaniye Mosque', 'religious', 41.0162, 28.964, 45, 0, 'mosque'],
      ['Istiklal Avenue', 'neighbourhood', 41.0335, 28.9777, 90, 1, 'always'],
    ],
  },
  {
    city: 'Dubai',
    country: 'AE',
    timeZone: 'Asia/Dubai',
    pois: [
      ['Burj Khalifa At the Top', 'viewpoint', 25.1972, 55.2744, 90, 4, 'late'],
      ['Dubai Mall', 'shopping', 25.1985, 55.2796, 120, 2, 'late'],
      ['Dubai Museum and Al Fahidi', 'museum', 25.2632, 55.2972, 75, 1, 'daytime'],
      ['Gold Souk', 'market', 25.2696, 55.2966, 60, 2, 'late'],
      ['Jumeirah Mosque', 'religious', 25.2339, 55.2652, 60, 1, 'daytime'],
      ['Dubai Marina Walk', 'neighbourhood', 25.0805, 55.1403, 90, 0, 'always'],
      ['Museum of the Future', 'museum', 25.2194, 55.2818, 120, 4, 'late'],
      ['Jumeirah Public Beach', 'beach', 25.2048, 55.2416, 120, 0, 'park'],
    ],
  },
  {
    city: 'Mumbai',
    country: 'IN',
    timeZone: 'Asia/Kolkata',
    pois: [
      ['Gateway of India', 'landmark', 18.922, 72.8347, 30, 0, 'always'],
      ['Chhatrapati Shivaji Maharaj Vastu Sangrahalaya', 'museum', 18.9269, 72.8326, 120, 1, 'daytime'],
      ['Marine Drive', 'viewpoint', 18.9432, 72.8235, 60, 0, 'always'],
      ['Chhatrapati Shivaji Terminus', 'landmark', 18.9398, 72.8355, 30, 0, 'always'],
      ['Crawford Market', 'market', 18.9475, 72.8344, 60, 1, 'market'],
      ['Haji Ali Dargah', 'religious', 18.9827, 72.8089, 60, 0, 'worship'],
      ['Elephanta Caves', 'landmark', 18.9633, 72.9315, 240, 2, 'museum'],
      ['Colaba Causeway', 'shopping', 18.9149, 72.8264, 75, 1, 'late'],
    ],
  },
  {
    city: 'Singapore',
    country: 'SG',
    timeZone: 'Asia/Singapore',
    pois: [
      ['Gardens by the Bay', 'park', 1.2816, 103.8636, 120, 2, 'late'],
      ['Marina Bay Sands SkyPark', 'viewpoint', 1.2834, 103.8607, 60, 3, 'late'],
      ['Singapore Botanic Gardens', 'park', 1.3138, 103.8159, 120, 0, 'park'],
      ['National Gallery Singapore', 'museum', 1.2903, 103.8515, 120, 2, 'daytime'],
      ['Chinatown Heritage Centre', 'museum', 1.2833, 103.8443, 60, 2, 'daytime'],
      ['Maxwell Food Centre', 'food', 1.2804, 103.8447, 45, 1, 'late'],
      ['Little India', 'neighbourhood', 1.3066, 103.8518, 75, 0, 'always'],
      ['Sentosa Island', 'beach', 1.2494, 103.8303, 180, 2, 'late'],
      ['Asian Civilisations Museum', 'museum', 1.2875, 103.8514, 90, 2, 'daytime'],
    ],
  },
  {
    city: 'Tokyo',
    country: 'JP',
    timeZone: 'Asia/Tokyo',
    pois: [
      ['Senso-ji', 'religious', 35.7148, 139.7967, 60, 0, 'worship'],
      ['Meiji Jingu', 'religious', 35.6764, 139.6993, 60, 0, 'worship'],
      ['Tokyo National Museum', 'museum', 35.7188, 139.7765, 150, 1, 'museum'],
      ['Shibuya Crossing', 'neighbourhood', 35.6595, 139.7005, 30, 0, 'always'],
      ['Tokyo Skytree', 'viewpoint', 35.7101, 139.8107, 75, 3, 'late'],
      ['Tsukiji Outer Market', 'market', 35.6655, 139.7707, 75, 2, 'market'],
      ['Shinjuku Gyoen', 'park', 35.6852, 139.71, 90, 1, 'museum'],
      ['teamLab Planets', 'museum', 35.6491, 139.7898, 90, 3, 'late'],
      ['Imperial Palace East Gardens', 'park', 35.6852, 139.7528, 75, 0, 'museum'],
      ['Akihabara', 'shopping', 35.6984, 139.7731, 90, 2, 'late'],
    ],
  },
  {
    city: 'Sydney',
    country: 'AU',
    timeZone: 'Australia/Sydney',
    pois: [
      ['Sydney Opera House', 'landmark', -33.8568, 151.2153, 90, 3, 'daytime'],
      ['Sydney Harbour Bridge climb', 'viewpoint', -33.8523, 151.2108, 180, 4, 'daytime'],
      ['Royal Botanic Garden', 'park', -33.8642, 151.2166, 90, 0, 'park'],
      ['Bondi Beach', 'beach', -33.8908, 151.2743, 120, 0, 'always'],
      ['The Rocks', 'neighbourhood', -33.8599, 151.209, 75, 1, 'always'],
      ['Art Gallery of New South Wales', 'museum', -33.8688, 151.2174, 120, 0, 'daytime'],
      ['Taronga Zoo', 'park', -33.8436, 151.2413, 180, 3, 'daytime'],
      ['Sydney Fish Market', 'market', -33.8727, 151.1923, 60, 2, 'daytime'],
    ],
  },
  {
    city: 'Cape Town',
    country: 'ZA',
    timeZone: 'Africa/Johannesburg',
    pois: [
      ['Table Mountain Cableway', 'viewpoint', -33.9486, 18.4031, 150, 3, 'daytime'],
      ['V&A Waterfront', 'neighbourhood', -33.9036, 18.4208, 120, 1, 'late'],
      ['Robben Island', 'museum', -33.8076, 18.3712, 240, 3, 'daytime'],
      ['Kirstenbosch National Botanical Garden', 'park', -33.9875, 18.4327, 120, 1, 'daytime'],
      ['Bo-Kaap', 'neighbourhood', -33.9208, 18.4153, 60, 0, 'always'],
      ['Zeitz MOCAA', 'museum', -33.9085, 18.4224, 120, 2, 'daytime'],
      ['Camps Bay Beach', 'beach', -33.9508, 18.3774, 120, 0, 'always'],
      ['Signal Hill', 'viewpoint', -33.9165, 18.3957, 45, 0, 'always'],
    ],
  },
];

export interface DemoPoi {
  city: string;
  country: string;
  timeZone: string;
  name: string;
  category: PoiCategory;
  lat: number;
  lng: number;
  visitMinutes: number;
  priceLevel: number;
  openingHours: OpeningHours;
}

export function demoPois(): DemoPoi[] {
  return DEMO_POIS.flatMap((c) =>
    c.pois.map(([name, category, lat, lng, visitMinutes, priceLevel, hours]) => ({
      city: c.city,
      country: c.country,
      timeZone: c.timeZone,
      name,
      category,
      lat,
      lng,
      visitMinutes,
      priceLevel,
      openingHours: HOURS[hours],
    })),
  );
}
